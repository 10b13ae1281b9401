using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Querying;

namespace Search.Host.Cli;

/// <summary><c>search show ID</c>: a document's metadata and text (ID may also be its number or file stem).</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Document id (its path), number (SG17-LS269) or file stem" };
        var json = new Option<bool>("--json") { Description = "Print the document as JSON" };
        var command = new Command("show", "Show one document") { id, json };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CliApp.CreateHost(parse);
            await host.Services.GetRequiredService<IndexBootstrapper>().EnsureIndexAsync(null, ct).ConfigureAwait(false);
            var search = host.Services.GetRequiredService<SearchService>();
            var key = parse.GetValue(id)!;
            var resolved = search.Resolve(key) ?? throw new CliException($"no document '{key}'");
            var details = search.Get(resolved)!;
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(details, CliOutput.Json)).ConfigureAwait(false);
                return 0;
            }

            var m = details.Metadata;
            void Line(string label, object? value)
            {
                var text = value switch
                {
                    null => null,
                    string s => s,
                    IEnumerable<string> list => string.Join(", ", list),
                    DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                };
                if (!string.IsNullOrEmpty(text))
                {
                    output.WriteLine($"{label,-16}{text}");
                }
            }

            Line("Id", details.Id);
            Line("Title", details.Title);
            Line("Kind", DocumentMetadata.KindLabel(m.Kind));
            Line("Number", m.Number);
            Line("Group", m.Group);
            Line("Study groups", m.StudyGroups);
            Line("Study period", m.StudyPeriod);
            Line("Questions", m.Questions);
            Line("Source", m.Source);
            Line("From", m.From);
            Line("To", m.To);
            Line("For action", m.ForAction);
            Line("For comment", m.ForComment);
            Line("For information", m.ForInformation);
            Line("Purpose", m.Purpose);
            Line("Place", m.Place);
            Line("Date", m.Date);
            Line("Meeting", m.MeetingStart is null ? null : $"{m.MeetingStart:yyyy-MM-dd} – {m.MeetingEnd:yyyy-MM-dd}");
            Line("Approval", m.Approval);
            Line("Deadline", m.Deadline);
            Line("Replies to", m.RepliesTo);
            Line("Cites", m.References.Documents);
            Line("Recommendations", m.References.Recommendations);
            Line("Resolutions", m.References.Resolutions);
            Line("Contacts", m.Contacts);
            Line("Keywords", m.Keywords);
            foreach (var t in details.Topics)
            {
                var how = t.Overridden ? "set by hand" : FormattableString.Invariant($"confidence {t.Confidence:0.00}");
                Line("Topic", t.Evidence is null ? $"{t.Topic} ({how})" : $"{t.Topic} ({how}); evidence: {t.Evidence}");
            }

            Line("Topics by", details.TopicsBy);
            Line("Not found", m.MissingFields);
            Line("Abstract", m.Abstract);
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync(details.Text).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
