using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Core.Indexing;
using Search.Core;
using Search.Core.Evaluation;
using Search.Core.Ingestion;
using Search.Core.Querying;
using Search.Core.Semantic;

namespace Search.Host.Cli;

/// <summary>
/// <c>search bench-semantic</c>: embedding throughput on the corpus's passages, and hybrid query
/// latency at scale: a vector store of N synthetic passages (normalised random vectors; from
/// <see cref="VectorStore.QuantizeFrom"/> passages on, an int8 first pass with float re-scoring), fused
/// with BM25 over the corpus index, the query embedded by the real model each time.
/// </summary>
internal static class BenchSemanticCommand
{
    private static readonly string[] Queries =
    [
        "fake handsets", "blocking phones reported stolen", "keys made from single photons", "encryption that survives quantum computers",
        "security of smart city sensors", "Q15/11 counterfeit", "X.1205 cybersecurity overview", "QKD key management", "zero trust for IoT platforms",
        "robocall caller id spoofing", "video quality of streaming", "duplicate IMEI detection", "digital twin security", "post-quantum PKI migration",
    ];

    public static Command Create()
    {
        var passages = new Option<int>("--passages") { Description = "Synthetic passages in the vector store", DefaultValueFactory = _ => 100_000 };
        var runs = new Option<int>("--runs") { Description = "Hybrid queries to time", DefaultValueFactory = _ => 280 };
        var sample = new Option<int>("--embed-sample") { Description = "Corpus passages embedded to measure throughput", DefaultValueFactory = _ => 160 };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("bench-semantic", "Measure embedding throughput and hybrid query latency at scale") { passages, runs, sample, json };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CliApp.CreateHost(parse);
            await host.Services.GetRequiredService<IndexBootstrapper>().EnsureIndexAsync(null, ct).ConfigureAwait(false);
            var model = host.Services.GetRequiredService<IEmbeddingModel>();
            var options = host.Services.GetRequiredService<IOptions<SearchOptions>>().Value;
            var search = host.Services.GetRequiredService<SearchService>();
            var texts = search.All()
                .SelectMany(d => Passages.Cut(d.Title, d.Text.Split('\n')).Select(p => p.Text))
                .Take(Math.Max(16, parse.GetValue(sample))).ToList();

            // Embedding throughput: the real model, no cache, batches of 16 as ingestion uses them.
            model.Embed([texts[0]], ct);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < texts.Count; i += 16)
            {
                model.Embed(texts.Skip(i).Take(16).ToList(), ct);
            }

            var embedSeconds = clock.Elapsed.TotalSeconds;
            var words = texts.Average(t => t.Split(' ').Length);

            // A synthetic store of N passages, 5 per document.
            var count = parse.GetValue(passages);
            var random = new Random(42);
            var vectors = new float[count * model.Dimensions];
            var entries = new PassageEntry[count];
            for (var i = 0; i < count; i++)
            {
                var row = vectors.AsSpan(i * model.Dimensions, model.Dimensions);
                for (var d = 0; d < row.Length; d++)
                {
                    row[d] = (float)((random.NextDouble() * 2) - 1);
                }

                var norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
                System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
                entries[i] = new PassageEntry($"doc{i / 5}", "h", i % 5, string.Empty);
            }

            var vectorStore = new VectorStore(model.Name, model.Dimensions, entries, vectors);
            var store = host.Services.GetRequiredService<Search.Core.Indexing.IndexStore>();
            var memory = Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024;

            var total = new List<double>();
            var vectorOnly = new List<double>();
            var n = Math.Max(parse.GetValue(runs), Queries.Length);
            for (var i = 0; i < n + Queries.Length; i++)
            {
                var q = Queries[i % Queries.Length];
                var t = Stopwatch.StartNew();
                var qv = model.Embed([q], ct)[0];
                var v = Stopwatch.StartNew();
                var similar = vectorStore.Search(qv, null, options.FusionDepth);
                var vectorMs = v.Elapsed.TotalMilliseconds;
                // The keyword side as the hybrid path runs it: ids and scores from doc values, no stored fields.
                List<MatchedDocument> keyword;
                using (var lease = store.Lease())
                {
                    keyword = DocumentCollector.Collect(lease.Searcher, UserQueryParser.Parse(q, cancellationToken: ct), ct).Take(options.FusionDepth).ToList();
                }

                _ = RankFusion.Fuse(keyword.Select(k => (k.Id, k.Score)).ToList(), similar.Select(s => (s.DocumentId, s.Score)).ToList(), options.Fusion, options.KeywordWeight);
                if (i >= Queries.Length)
                {
                    total.Add(t.Elapsed.TotalMilliseconds);
                    vectorOnly.Add(vectorMs);
                }
            }

            total.Sort();
            vectorOnly.Sort();
            var result = new SemanticBench(
                texts.Count, words, texts.Count / embedSeconds, count, memory,
                Metrics.Percentile(total, 0.5), Metrics.Percentile(total, 0.99),
                Metrics.Percentile(vectorOnly, 0.5), Metrics.Percentile(vectorOnly, 0.99), total.Count);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(result, CliOutput.Json)).ConfigureAwait(false);
                return 0;
            }

            await output.WriteLineAsync(FormattableString.Invariant($"embedding: {result.EmbeddedPassages} corpus passages (~{result.WordsPerPassage:0} words) at {result.PassagesPerSecond:0.0} passages/s ({model.Name}, {Environment.ProcessorCount} cores)")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"hybrid at {result.Passages} passages: p50 {result.HybridP50Milliseconds:0.0} ms, p99 {result.HybridP99Milliseconds:0.0} ms over {result.Queries} queries (query embedding + vector search + BM25 + fusion)")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"  of which vector search{(count >= VectorStore.QuantizeFrom ? " (int8 pass + float re-scoring)" : " (exact)")}: p50 {result.VectorP50Milliseconds:0.0} ms, p99 {result.VectorP99Milliseconds:0.0} ms; working set {result.WorkingSetMegabytes} MB")).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}

internal sealed record SemanticBench(
    int EmbeddedPassages, double WordsPerPassage, double PassagesPerSecond, int Passages, long WorkingSetMegabytes,
    double HybridP50Milliseconds, double HybridP99Milliseconds, double VectorP50Milliseconds, double VectorP99Milliseconds, int Queries);
