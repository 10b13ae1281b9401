using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Querying;

namespace Search.Host.Cli;

/// <summary><c>search related ID</c>: the documents nearest by content, with their study groups.</summary>
internal static class RelatedCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Document id, number or file stem" };
        var top = new Option<int>("--top", "-n") { Description = "How many", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("related", "Documents nearest to a document by content (sentence embeddings)") { id, top, json };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CliApp.CreateHost(parse);
            await host.Services.GetRequiredService<IndexBootstrapper>().EnsureIndexAsync(null, ct).ConfigureAwait(false);
            await IngestCommand.EnrichForReadingAsync(host, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
            var search = host.Services.GetRequiredService<SearchService>();
            var key = parse.GetValue(id)!;
            var resolved = search.Resolve(key) ?? throw new CliException($"no document '{key}'");
            var related = search.Related(resolved, parse.GetValue(top));
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(related, CliOutput.Json)).ConfigureAwait(false);
                return 0;
            }

            var own = search.Get(resolved)!.Metadata.Group;
            await output.WriteLineAsync($"Documents related to {resolved} ({own}):").ConfigureAwait(false);
            foreach (var r in related)
            {
                var cross = r.Group != own ? "  <- another group" : string.Empty;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {r.Similarity:0.000}  {r.Group,-5} {r.Id,-28} {r.Title}{cross}")).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
