using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Search.Core;
using Search.Core.Indexing;
using Search.Core.Querying;
using Search.Core.Semantic;

namespace Search.Host.Cli;

/// <summary>
/// <c>search bench-hybrid --index DIR</c>: hybrid search at scale through <see cref="SearchService"/>, as
/// the API runs it (typo tolerance, BM25 and vector search fused, snippets, facet counts), on an index
/// that <c>search bench --index DIR</c> built. Embedding every passage of 100,000 documents with the real
/// model takes hours on 2 cores, so the index's passages get <em>lookalike</em> vectors
/// (<see cref="LookalikeModel"/>): the first <c>--pool</c> passages are embedded by the real model, every
/// other passage gets one of those vectors, picked by its text's hash, moved by seeded noise. They have
/// the real model's distribution (a query is near some of them and far from most), which random vectors
/// have not; queries are embedded by the real model. A second run on the same index finds its passages
/// embedded and only loads the vector file: that run's memory is the serving memory. With <c>--real</c>
/// the passages are embedded by the model itself (hours; an index that <c>search ingest</c> embedded,
/// wholly or in part, is used as it is and only the rest is embedded).
/// </summary>
internal static class BenchHybridCommand
{
    public static Command Create()
    {
        var queries = new Option<string>("--queries") { Description = "Queries: a .jsonl of {\"_id\",\"text\"} claims (run as the kit's OR of terms, as `search bench` does) or one query per line", Required = true };
        var maxQueries = new Option<int>("--max-queries") { Description = "Use only the first M queries (0: all)", DefaultValueFactory = _ => 300 };
        var pool = new Option<int>("--pool") { Description = "Passages embedded by the real model; the others get lookalikes of them", DefaultValueFactory = _ => 2000 };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var real = new Option<bool>("--real") { Description = "Real vectors: passages not yet embedded are embedded by the model itself (about 2.6 h for 448k passages on 2 cores; resumable: a run stopped keeps what it committed), not given lookalikes" };
        var mode = new Option<SearchMode>("--mode") { Description = "hybrid (default) or semantic", DefaultValueFactory = _ => SearchMode.Hybrid };
        var command = new Command("bench-hybrid", "Measure hybrid (or semantic) search latency and memory through the search service on an index built by `search bench --index DIR` (passages given lookalike vectors)")
        {
            queries, maxQueries, pool, mode, real, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(CliApp.IndexOption) is null)
            {
                throw new CliException("give the index to measure with --index (built by `search bench DATA --index DIR`)", 2);
            }

            var list = BenchQueries.Load(RepositoryLocator.ResolveInput(parse.GetValue(queries)!), parse.GetValue(maxQueries));
            if (list.Count == 0)
            {
                throw new CliException("no queries to run", 2);
            }

            using var host = CliApp.CreateHost(parse, b =>
            {
                b.Services.RemoveAll<IEmbeddingModel>();
                b.Services.AddSingleton<MiniLmEmbeddingModel>();
                b.Services.AddSingleton(s => new LookalikeModel(s.GetRequiredService<MiniLmEmbeddingModel>(), parse.GetValue(pool)));
                b.Services.AddSingleton<IEmbeddingModel>(s => parse.GetValue(real) ? s.GetRequiredService<MiniLmEmbeddingModel>() : s.GetRequiredService<LookalikeModel>());
            });
            var store = host.Services.GetRequiredService<IndexStore>();
            if (!store.Exists)
            {
                throw new CliException($"{store.IndexPath} holds no index (build one with `search bench DATA --index DIR`)", 2);
            }

            var error = parse.InvocationConfiguration.Error;
            var searchMode = parse.GetValue(mode);
            if (searchMode == SearchMode.Bm25)
            {
                throw new CliException("--mode is hybrid or semantic (`search bench` measures bm25)", 2);
            }

            var result = await RunAsync(host, list, searchMode, error, ct).ConfigureAwait(false);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(result, CliOutput.Json)).ConfigureAwait(false);
                return 0;
            }

            await output.WriteLineAsync(FormattableString.Invariant(
                $"vectors:  {result.Passages} passages of {result.Documents} documents{(result.EmbeddedSeconds > 0 ? $", {(parse.GetValue(real) ? "embedded by the model" : "given lookalike vectors")} in {result.EmbeddedSeconds:0.0} s" : ", already embedded (loaded)")}")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"queries:  {result.Queries} (median {result.MedianMatched:0} matched), {result.Mode.ToString().ToLowerInvariant()}, top 10 with snippets; {BenchCommand.WarmUp} warm-up not counted, the first took {result.FirstQueryMilliseconds:0.0} ms")).ConfigureAwait(false);
            if (result.OverLimit > 0)
            {
                await output.WriteLineAsync(FormattableString.Invariant($"refused:  {result.OverLimit} searches over a limit (the time budget); their time until refusal is counted")).ConfigureAwait(false);
            }

            var measured = result.Mode.ToString().ToLowerInvariant();
            await output.WriteLineAsync("mode                          p50 ms    p90 ms    p99 ms       n").ConfigureAwait(false);
            foreach (var (name, s) in new[] { ($"{measured} (facets=false)", result.Plain), ($"{measured} filtered by sg", result.Filtered), ($"{measured} with facet counts", result.Facets), ("query embedding alone", result.Embedding), ("vector search alone", result.VectorSearch) })
            {
                await output.WriteLineAsync(FormattableString.Invariant($"{name,-26}{s.P50,10:0.000}{s.P90,10:0.000}{s.P99,10:0.000}{s.N,8}")).ConfigureAwait(false);
            }

            if (result.Gc is { } gc)
            {
                await output.WriteLineAsync(BenchCommand.GcLine(gc)).ConfigureAwait(false);
            }

            await output.WriteLineAsync(FormattableString.Invariant(
                $"memory:   working set {result.WorkingSetMegabytes} MB after the queries, peak {result.PeakMegabytes} MB (peak {result.PeakAfterLoadMegabytes} MB once the vectors were loaded, {result.PeakAfterVocabularyMegabytes} MB once the typo vocabulary was built); private (RssAnon) {result.AnonymousMegabytes} MB")).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task<HybridBench> RunAsync(Microsoft.Extensions.Hosting.IHost host, IReadOnlyList<BenchQuery> queries, SearchMode searchMode, TextWriter error, CancellationToken ct)
    {
        var semantic = host.Services.GetRequiredService<SemanticIndex>();
        var lookalike = host.Services.GetRequiredService<LookalikeModel>();
        var search = host.Services.GetRequiredService<SearchService>();

        // Passages first (lookalikes), then queries (the real model).
        var clock = Stopwatch.StartNew();
        var before = semantic.Status();
        double embedded = 0;
        if (!before.Ready)
        {
            lookalike.Passages = true;
            using (var progress = new ProgressLine<EmbeddingProgress>(error, p => (p.Done, p.Total), p => FormattableString.Invariant($"{p.Done}/{p.Total} passages, {p.PassagesPerSecond:0}/s")))
            {
                await semantic.SyncAsync(progress, ct).ConfigureAwait(false);
            }

            embedded = clock.Elapsed.TotalSeconds;
        }

        lookalike.Passages = false;
        var status = semantic.Status();
        if (!status.Ready)
        {
            throw new CliException($"semantic search is not ready after embedding ({status.CoveredDocuments} of {status.Documents} documents, {status.State})");
        }

        _ = semantic.Current; // the vector file loaded
        var peakAfterLoad = Peak();
        var vocabulary = Stopwatch.StartNew();
        while (!search.WarmedUp() && vocabulary.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        var peakAfterVocabulary = Peak();
        var overLimit = 0;
        double first = 0;
        foreach (var q in queries.Take(BenchCommand.WarmUp))
        {
            var (ms, _) = BenchCommand.Timed(search, BenchCommand.Request(q, BenchMode.Plain, 0, snippets: true, searchMode), ref overLimit, error, ct);
            if (first == 0)
            {
                // The first search is cold; then the warm-up a service runs at start.
                first = ms;
                await BenchCommand.WarmUpAsync(host, error, hybrid: true, ct).ConfigureAwait(false);
            }
        }

        overLimit = 0;
        var gc = GcCounts.Now();

        var latency = new Dictionary<BenchMode, List<double>> { [BenchMode.Plain] = [], [BenchMode.Filtered] = [], [BenchMode.Facets] = [] };
        var embedding = new List<double>();
        var scan = new List<double>();
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Search.Core.SearchOptions>>().Value;
        var matched = new List<double>();
        BenchMode[] modes = [BenchMode.Plain, BenchMode.Filtered, BenchMode.Facets];
        for (var i = 0; i < queries.Count; i++)
        {
            foreach (var mode in modes[(i % 3)..].Concat(modes[..(i % 3)]))
            {
                var (ms, response) = BenchCommand.Timed(search, BenchCommand.Request(queries[i], mode, i, snippets: true, searchMode), ref overLimit, error, ct);
                latency[mode].Add(ms);
                if (mode == BenchMode.Facets && response is not null)
                {
                    matched.Add(response.Total);
                }
            }

            var e = Stopwatch.StartNew();
            var vector = semantic.Model.Embed([SearchService.SemanticText(queries[i].Text)], ct)[0];
            embedding.Add(e.Elapsed.TotalMilliseconds);
            e.Restart();
            var store = semantic.Current;
            var everything = new bool[store.DocumentCount];
            Array.Fill(everything, true);
            store.Search(vector, everything, options.FusionDepth, SimilarityThreshold.Default);
            scan.Add(e.Elapsed.TotalMilliseconds);
        }

        var collected = GcCounts.Now() - gc;
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var vectors = semantic.Current;
        return new HybridBench(
            vectors.Count, vectors.DocumentCount, Math.Round(embedded, 1), queries.Count, BenchStatistics.Median(matched),
            LatencySummary.Of(latency[BenchMode.Plain]), LatencySummary.Of(latency[BenchMode.Filtered]), LatencySummary.Of(latency[BenchMode.Facets]), LatencySummary.Of(embedding), LatencySummary.Of(scan),
            process.WorkingSet64 / 1048576, process.PeakWorkingSet64 / 1048576, BenchSemanticCommand.AnonymousMegabytes(), peakAfterLoad, peakAfterVocabulary)
        {
            Mode = searchMode,
            FirstQueryMilliseconds = Math.Round(first, 1),
            OverLimit = overLimit,
            Gc = collected,
        };
    }

    private static long Peak()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1048576;
    }
}

/// <summary>
/// A stand-in passage model for benchmarks at a scale the real model cannot embed in a session: the
/// first <c>pool</c> passages are embedded by the real model; every later one gets a pooled vector
/// picked by its text's hash, moved by seeded Gaussian noise (cosine about 0.9 to it) and normalised.
/// With <see cref="Passages"/> off, texts (queries) go to the real model. Its name differs from the real
/// model's, so its vectors never mix with real ones in a cache or a vector file.
/// </summary>
internal sealed class LookalikeModel(IEmbeddingModel real, int pool) : IEmbeddingModel
{
    private readonly List<float[]> _pool = [];
    private readonly Lock _lock = new();

    public string Name => real.Name + "|lookalike";

    public int Dimensions => real.Dimensions;

    /// <summary>Whether the texts are passages (lookalikes once the pool is full) or queries (real).</summary>
    public bool Passages { get; set; }

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (!Passages)
        {
            return real.Embed(texts, cancellationToken);
        }

        lock (_lock)
        {
            if (_pool.Count < Math.Max(1, pool))
            {
                var vectors = real.Embed(texts, cancellationToken);
                _pool.AddRange(vectors);
                return vectors;
            }
        }

        var result = new float[texts.Count][];
        var sigma = 0.5f / MathF.Sqrt(Dimensions);
        for (var t = 0; t < texts.Count; t++)
        {
            var seed = StableHash(texts[t]);
            var random = new Random(seed);
            var source = _pool[(int)((uint)seed % (uint)_pool.Count)];
            var vector = new float[Dimensions];
            for (var d = 0; d < vector.Length; d++)
            {
                // Box-Muller.
                var u = 1.0 - random.NextDouble();
                var v = random.NextDouble();
                vector[d] = source[d] + (sigma * (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v)));
            }

            System.Numerics.Tensors.TensorPrimitives.Divide(vector, System.Numerics.Tensors.TensorPrimitives.Norm(vector), vector);
            result[t] = vector;
        }

        return result;
    }

    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }
}

internal sealed record HybridBench(
    int Passages, int Documents, double EmbeddedSeconds, int Queries, double MedianMatched,
    LatencySummary Plain, LatencySummary Filtered, LatencySummary Facets, LatencySummary Embedding, LatencySummary VectorSearch,
    long WorkingSetMegabytes, long PeakMegabytes, long AnonymousMegabytes, long PeakAfterLoadMegabytes, long PeakAfterVocabularyMegabytes)
{
    /// <summary>The first search's time: the model loaded, the index's first hybrid search (what a user waits for after a start).</summary>
    public double FirstQueryMilliseconds { get; init; }

    /// <summary>Searches over a limit (the time budget); their time until refusal is counted.</summary>
    public int OverLimit { get; init; }

    /// <summary>The search mode measured (hybrid or semantic).</summary>
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;

    /// <summary>The garbage collector during the measured searches (the embeddings and scans measured alone included).</summary>
    public GcCounts? Gc { get; init; }
}
