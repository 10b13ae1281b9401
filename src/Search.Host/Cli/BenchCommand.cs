using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Core.Indexing;
using Search.Core;
using Search.Core.Evaluation;
using Search.Core.Ingestion;
using Search.Core.Querying;

namespace Search.Host.Cli;

/// <summary>
/// <c>search bench [FOLDER]</c>: ingests the folder into a fresh temporary index (documents per
/// second), then runs a query set several times (latency p50/p99, with facets and snippets).
/// A benchmark command, not a test: figures depend on the machine.
/// </summary>
internal static class BenchCommand
{
    private static readonly string[] DefaultQueries =
    [
        "counterfeit", "counterfeit devices", "\"counterfeit devices\"", "stolen mobile phones IMEI", "Q15/11", "X.1205",
        "quantum key distribution", "QKD network key management", "post-quantum cryptography migration", "Y.3800",
        "IoT security", "smart city privacy", "zero trust IoT platform", "Q6/20", "SG17", "Study Group 13",
        "digital twin security", "V2X", "spam", "machine learning", "video quality", "distributed ledger",
        "liaison statement TSAG", "quant*", "security AND NOT quantum", "title:framework", "TD3240", "kind:ls", "sg:11 counterfeit",
        "E.164 numbering",
    ];

    public static Command Create()
    {
        var folder = new Argument<string?>("folder") { Description = "Folder to ingest (default: corpus/documents)", Arity = ArgumentArity.ZeroOrOne };
        var queries = new Option<string?>("--queries") { Description = "File of queries, one per line (default: a built-in set)" };
        var runs = new Option<int>("--runs") { Description = "Passes over the query set", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON" };
        var command = new Command("bench", "Measure ingestion throughput and query latency") { folder, queries, runs, json };
        command.SetAction(async (parse, ct) =>
        {
            var temp = Directory.CreateTempSubdirectory("search-bench-");
            try
            {
                using var host = CliApp.CreateHost(parse, b => b.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Search:IndexPath", temp.FullName)]));
                var path = parse.GetValue(folder) is { } given ? RepositoryLocator.ResolveInput(given) : host.Services.GetRequiredService<IOptions<SearchOptions>>().Value.CorpusPath;
                if (!Directory.Exists(path))
                {
                    throw new CliException($"folder not found: {path}", 2);
                }

                var report = await host.Services.GetRequiredService<IngestionPipeline>().IngestAsync(path, null, ct).ConfigureAwait(false);
                var list = parse.GetValue(queries) is { } file ? File.ReadAllLines(RepositoryLocator.ResolveInput(file)).Where(l => l.Trim().Length > 0).ToArray() : DefaultQueries;
                var search = host.Services.GetRequiredService<SearchService>();
                foreach (var q in list)
                {
                    search.Search(new SearchRequest { Query = q }, ct);
                }

                var latencies = new List<double>();
                var passes = Math.Max(1, parse.GetValue(runs));
                for (var pass = 0; pass < passes; pass++)
                {
                    foreach (var q in list)
                    {
                        ct.ThrowIfCancellationRequested();
                        var clock = Stopwatch.StartNew();
                        search.Search(new SearchRequest { Query = q }, ct);
                        latencies.Add(clock.Elapsed.TotalMilliseconds);
                    }
                }

                latencies.Sort();
                var result = new BenchResult(
                    report.Indexed, report.Failed.Count, report.Elapsed.TotalSeconds, report.DocumentsPerSecond,
                    latencies.Count, Metrics.Percentile(latencies, 0.50), Metrics.Percentile(latencies, 0.99), latencies.Average(),
                    Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024);
                var output = parse.InvocationConfiguration.Output;
                if (parse.GetValue(json))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(result, CliOutput.Json)).ConfigureAwait(false);
                }
                else
                {
                    await output.WriteLineAsync(FormattableString.Invariant(
                        $"ingestion: {result.Documents} documents ({result.Failed} failed) in {result.IngestSeconds:0.00} s = {result.DocumentsPerSecond:0.0} documents/s")).ConfigureAwait(false);
                    await output.WriteLineAsync(FormattableString.Invariant(
                        $"queries:   {result.Queries} runs ({list.Length} queries x {passes}), p50 {result.P50Milliseconds:0.00} ms, p99 {result.P99Milliseconds:0.00} ms, mean {result.MeanMilliseconds:0.00} ms (facets and snippets included)")).ConfigureAwait(false);
                    await output.WriteLineAsync(FormattableString.Invariant($"memory:    peak working set {result.PeakWorkingSetMegabytes} MB")).ConfigureAwait(false);
                }

                return 0;
            }
            finally
            {
                temp.Delete(recursive: true);
            }
        });
        return command;
    }

}

/// <summary>Figures printed by <c>search bench</c>.</summary>
internal sealed record BenchResult(
    int Documents, int Failed, double IngestSeconds, double DocumentsPerSecond,
    int Queries, double P50Milliseconds, double P99Milliseconds, double MeanMilliseconds, long PeakWorkingSetMegabytes);
