using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Querying;

namespace Search.Host.Cli;

/// <summary><c>search export</c>: every document with its metadata, as JSON lines or CSV.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var format = new Option<string>("--format") { Description = "jsonl (default) or csv", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var command = new Command("export", "Export every document with its metadata") { format };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CliApp.CreateHost(parse);
            await host.Services.GetRequiredService<IndexBootstrapper>().EnsureIndexAsync(null, ct).ConfigureAwait(false);
            var docs = host.Services.GetRequiredService<SearchService>().All();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == "csv")
            {
                await output.WriteAsync(Csv.Write(docs)).ConfigureAwait(false);
            }
            else
            {
                foreach (var doc in docs)
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(doc with { Text = string.Empty }, CliOutput.JsonLines)).ConfigureAwait(false);
                }
            }

            return 0;
        });
        return command;
    }
}

/// <summary>CSV (RFC 4180) of documents and their metadata; lists are joined with '; '.</summary>
public static class Csv
{
    public static readonly string[] Columns =
    [
        "id", "path", "title", "kind", "number", "group", "studyGroups", "studyPeriod", "questions", "source", "from", "to",
        "date", "meetingStart", "meetingEnd", "place", "purpose", "keywords", "topics", "repliesTo", "documents", "recommendations", "resolutions", "abstract",
    ];

    public static string Write(IEnumerable<DocumentDetails> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', Columns));
        foreach (var d in documents)
        {
            var m = d.Metadata;
            string[] row =
            [
                d.Id, d.Path, d.Title, DocumentMetadata.KindCode(m.Kind), m.Number ?? string.Empty, m.Group ?? string.Empty,
                Join(m.StudyGroups), m.StudyPeriod ?? string.Empty, Join(m.Questions), m.Source ?? string.Empty, m.From ?? string.Empty, Join(m.To),
                Date(m.Date), Date(m.MeetingStart), Date(m.MeetingEnd), m.Place ?? string.Empty, m.Purpose ?? string.Empty, Join(m.Keywords), Join(d.Topics.Select(t => FormattableString.Invariant($"{t.Topic} ({t.Confidence:0.00})"))),
                Join(m.RepliesTo), Join(m.References.Documents), Join(m.References.Recommendations), Join(m.References.Resolutions), m.Abstract ?? string.Empty,
            ];
            sb.AppendLine(string.Join(',', row.Select(Escape)));
        }

        return sb.ToString();
    }

    private static string Join(IEnumerable<string> values) => string.Join("; ", values);

    private static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>A CSV cell: quoted when needed, and a leading formula character neutralised.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // A leading =, +, - or @ would run as a formula in a spreadsheet.
        var safe = value.Length > 0 && "=+-@".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
        return safe.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }
}
