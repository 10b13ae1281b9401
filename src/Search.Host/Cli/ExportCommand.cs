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
        var format = new Option<string>("--format") { Description = "jsonl (default: one document a line), json (one array) or csv", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "json", "csv");
        var json = new Option<bool>("--json") { Description = "The same as --format json" };
        var command = new Command("export", "Export every document with its metadata") { format, json };
        command.SetAction(async (parse, ct) =>
        {
            var chosen = parse.GetValue(json) ? "json" : parse.GetValue(format);
            if (parse.GetValue(json) && parse.GetResult(format) is { Implicit: false } && parse.GetValue(format) != "json")
            {
                throw new CliException($"--json and --format {parse.GetValue(format)} disagree; give one (see 'search export --help')", 2);
            }

            using var host = CliApp.CreateHost(parse);
            await host.Services.GetRequiredService<IndexBootstrapper>().EnsureIndexAsync(null, ct).ConfigureAwait(false);
            var docs = host.Services.GetRequiredService<SearchService>().All();
            var output = parse.InvocationConfiguration.Output;
            if (chosen == "csv")
            {
                await output.WriteAsync(Csv.Write(docs)).ConfigureAwait(false);
            }
            else if (chosen == "json")
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(docs.Select(d => d with { Text = string.Empty }), CliOutput.Json)).ConfigureAwait(false);
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
        "date", "deadline", "forAction", "meetingStart", "meetingEnd", "place", "purpose", "keywords", "topics", "repliesTo", "documents", "recommendations", "resolutions", "abstract",
    ];

    /// <summary>The columns of a result set: its rank and score, then the document's.</summary>
    public static readonly string[] ResultColumns = ["rank", "score", .. Columns];

    public static string Write(IEnumerable<DocumentDetails> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', Columns));
        foreach (var d in documents)
        {
            sb.AppendLine(string.Join(',', Row(d).Select(Escape)));
        }

        return sb.ToString();
    }

    /// <summary>A result set in rank order: each hit's rank and score, and its document.</summary>
    public static string WriteResults(IEnumerable<(float Score, DocumentDetails Document)> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', ResultColumns));
        var rank = 0;
        foreach (var (score, d) in results)
        {
            string[] head = [(++rank).ToString(CultureInfo.InvariantCulture), score.ToString("0.0000", CultureInfo.InvariantCulture)];
            sb.AppendLine(string.Join(',', head.Concat(Row(d)).Select(Escape)));
        }

        return sb.ToString();
    }

    /// <summary>
    /// The file name of an exported result set: the query and the date, so that two exports do not overwrite each
    /// other (<c>search-counterfeit-devices-2026-12-04.csv</c>; <c>search-all-…</c> for a browse).
    /// </summary>
    public static string FileName(string? query, DateOnly date, string extension)
    {
        var slug = new StringBuilder();
        foreach (var c in (query ?? string.Empty).ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }

            if (slug.Length >= 40)
            {
                break;
            }
        }

        var name = slug.ToString().Trim('-');
        return string.Create(CultureInfo.InvariantCulture, $"search-{(name.Length == 0 ? "all" : name)}-{date:yyyy-MM-dd}.{extension}");
    }

    private static string[] Row(DocumentDetails d)
    {
        var m = d.Metadata;
        return
        [
            d.Id, d.Path, d.Title, DocumentMetadata.KindCode(m.Kind), m.Number ?? string.Empty, m.Group ?? string.Empty,
            Join(m.StudyGroups), m.StudyPeriod ?? string.Empty, Join(m.Questions), m.Source ?? string.Empty, m.From ?? string.Empty, Join(m.To),
            Date(m.Date), Date(m.Deadline), Join(m.ForAction), Date(m.MeetingStart), Date(m.MeetingEnd), m.Place ?? string.Empty, m.Purpose ?? string.Empty, Join(m.Keywords),
            Join(d.Topics.Select(t => FormattableString.Invariant($"{t.Topic} ({t.Confidence:0.00})"))),
            Join(m.RepliesTo), Join(m.References.Documents), Join(m.References.Recommendations), Join(m.References.Resolutions), m.Abstract ?? string.Empty,
        ];
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
