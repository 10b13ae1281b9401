using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Core;
using Search.Core.Evaluation;
using Search.Core.Indexing;
using Search.Core.Querying;
using Search.Core.Semantic;

namespace Search.Host.Cli;

/// <summary>
/// <c>search bench-semantic</c>: hybrid query latency and memory at scale: a vector store of N
/// synthetic passages (normalised random vectors, 5 per document) written to a vector file and served
/// from it as the service does (int8 in memory, float vectors mapped), fused with BM25 over the corpus
/// index, the query embedded by the real model each time. <c>--throughput</c>: the model's raw
/// passages per second against the embedding stage's on the same passages.
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
        var passages = new Option<int>("--passages") { Description = "Synthetic passages in the vector store (5 per document)", DefaultValueFactory = _ => 100_000 };
        var runs = new Option<int>("--runs") { Description = "Hybrid queries to time", DefaultValueFactory = _ => 280 };
        var vectorsFile = new Option<string?>("--vectors") { Description = "Keep the synthetic vector file here and reuse it on the next run (a run that only loads it shows the serving memory)" };
        var throughput = new Option<bool>("--throughput") { Description = "Measure embedding instead: the model's raw passages/s against the embedding stage's, on the same passages" };
        var documents = new Option<int>("--documents") { Description = "With --throughput: corpus documents whose passages are embedded", DefaultValueFactory = _ => 30 };
        var batchSizes = new Option<string>("--batch-sizes") { Description = "With --throughput: batch sizes tried on the raw model", DefaultValueFactory = _ => "4,8,16" };
        var threads = new Option<string>("--threads") { Description = "With --throughput: ONNX Runtime intra-op threads tried on the raw model (0: one per core)", DefaultValueFactory = _ => "0" };
        var scanThreads = new Option<int>("--scan-threads") { Description = "Threads one vector search scans with (0: one per core)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("bench-semantic", "Measure hybrid query latency and memory at scale, or embedding throughput (--throughput)")
        {
            passages, runs, vectorsFile, throughput, documents, batchSizes, threads, scanThreads, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(throughput))
            {
                var result = await ThroughputAsync(parse, parse.GetValue(documents), Numbers(parse.GetValue(batchSizes)!), Numbers(parse.GetValue(threads)!), ct).ConfigureAwait(false);
                if (parse.GetValue(json))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(result, CliOutput.Json)).ConfigureAwait(false);
                    return 0;
                }

                foreach (var r in result.Raw)
                {
                    await output.WriteLineAsync(FormattableString.Invariant($"raw model: batch {r.BatchSize,3}, {r.Threads} threads{(r.SortedByLength ? ", sorted by length" : ", corpus order   ")}: {r.PassagesPerSecond:0.0} passages/s")).ConfigureAwait(false);
                }

                await output.WriteLineAsync(FormattableString.Invariant($"stage (SyncAsync: cut, cache, model, commit): batch {result.StageBatchSize}, {result.StageThreads} threads: {result.StagePassagesPerSecond:0.0} passages/s = {result.StageShareOfBestRaw:P0} of the best raw ({result.Passages} passages of {result.Documents} documents, ~{result.WordsPerPassage:0} words)")).ConfigureAwait(false);
                return 0;
            }

            var latency = await LatencyAsync(parse, parse.GetValue(passages), parse.GetValue(runs), parse.GetValue(vectorsFile), parse.GetValue(scanThreads), ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(latency, CliOutput.Json)).ConfigureAwait(false);
                return 0;
            }

            await output.WriteLineAsync(FormattableString.Invariant($"vector store: {latency.Passages} passages of {latency.Documents} documents, scanned with {latency.ScanThreads} threads, {latency.StoreMegabytes:0} MB in managed memory ({(latency.Mapped ? "float vectors and texts mapped from the file" : "all in memory")}); loaded in {latency.LoadSeconds:0.0} s")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"process: working set {latency.WorkingSetMegabytes} MB after load, {latency.WorkingSetAfterQueriesMegabytes} MB after the queries, peak {latency.PeakWorkingSetMegabytes} MB; private (RssAnon) {latency.AnonymousMegabytes} MB after load, {latency.AnonymousAfterQueriesMegabytes} MB after the queries")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"over {latency.Queries} queries (ms)        p50    p90    p99")).ConfigureAwait(false);
            foreach (var (name, p) in new[] { ("query embedding", latency.Embedding), ("vector search (flat scan)", latency.Vector), ("semantic (embedding+vector)", latency.Semantic), ("hybrid (+BM25 and fusion)", latency.Hybrid) })
            {
                await output.WriteLineAsync(FormattableString.Invariant($"  {name,-28} {p.P50,6:0.0} {p.P90,6:0.0} {p.P99,6:0.0}")).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static int[] Numbers(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture))];

    private static async Task<LatencyBench> LatencyAsync(ParseResult parse, int count, int runs, string? path, int scanThreads, CancellationToken ct)
    {
        using var host = CliApp.CreateHost(parse);
        await host.Services.GetRequiredService<IndexBootstrapper>().EnsureIndexAsync(null, ct).ConfigureAwait(false);
        var model = host.Services.GetRequiredService<IEmbeddingModel>();
        var options = host.Services.GetRequiredService<IOptions<SearchOptions>>().Value;
        var store = host.Services.GetRequiredService<IndexStore>();
        model.Embed(["warm-up"], ct);

        var file = path ?? Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.svec");
        if (!File.Exists(file) || VectorStore.Load(file).Count != count)
        {
            Synthetic(model, count).Save(file);
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var clock = Stopwatch.StartNew();
        var vectors = VectorStore.Load(file);
        vectors.ScanThreads = scanThreads > 0 ? scanThreads : Environment.ProcessorCount;
        var loadSeconds = clock.Elapsed.TotalSeconds;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var process = Process.GetCurrentProcess();
        var afterLoad = process.WorkingSet64 / 1024 / 1024;
        var anonymousAfterLoad = AnonymousMegabytes();

        // Every document may be searched: the filter as SearchService builds it, by ordinal.
        var ordinalOfDoc = Enumerable.Range(0, vectors.DocumentCount).ToArray();
        var embedding = new List<double>();
        var vector = new List<double>();
        var semantic = new List<double>();
        var hybrid = new List<double>();
        var n = Math.Max(runs, Queries.Length);
        for (var i = 0; i < n + Queries.Length; i++)
        {
            var q = Queries[i % Queries.Length];
            var t = Stopwatch.StartNew();
            var qv = model.Embed([q], ct)[0];
            var e = t.Elapsed.TotalMilliseconds;
            var include = new bool[vectors.DocumentCount];
            foreach (var doc in ordinalOfDoc)
            {
                include[doc] = true;
            }

            var similar = vectors.Search(qv, include, options.FusionDepth, SimilarityThreshold.Default);
            var s = t.Elapsed.TotalMilliseconds;

            // The keyword side as the hybrid path runs it: ids and scores from doc values, no stored fields.
            List<MatchedDocument> keyword;
            using (var lease = store.Lease())
            {
                keyword = DocumentCollector.Collect(lease.Searcher, UserQueryParser.Parse(q, cancellationToken: ct), ct).Take(options.FusionDepth).ToList();
            }

            _ = RankFusion.Fuse(keyword.Select(k => (k.Id, k.Score)).ToList(), similar.Take(options.FusionDepth).Select(x => (x.DocumentId, x.Score)).ToList(), options.Fusion, options.KeywordWeight);
            if (i >= Queries.Length)
            {
                embedding.Add(e);
                vector.Add(s - e);
                semantic.Add(s);
                hybrid.Add(t.Elapsed.TotalMilliseconds);
            }
        }

        process.Refresh();
        var result = new LatencyBench(
            count, vectors.DocumentCount, vectors.ScanThreads, vectors.IsMapped, vectors.ManagedBytes / 1024.0 / 1024.0, loadSeconds,
            afterLoad, process.WorkingSet64 / 1024 / 1024, process.PeakWorkingSet64 / 1024 / 1024, anonymousAfterLoad, AnonymousMegabytes(), n,
            Percentiles(embedding), Percentiles(vector), Percentiles(semantic), Percentiles(hybrid));
        GC.KeepAlive(vectors);
        if (path is null)
        {
            File.Delete(file);
        }

        return result;
    }

    /// <summary>The process's private resident memory (Linux: RssAnon, without the file pages the OS may drop), or -1 elsewhere.</summary>
    internal static long AnonymousMegabytes()
    {
        const string Status = "/proc/self/status";
        var line = File.Exists(Status) ? File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("RssAnon:", StringComparison.Ordinal)) : null;
        return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static VectorStore Synthetic(IEmbeddingModel model, int count)
    {
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
            entries[i] = new PassageEntry(FormattableString.Invariant($"SG{i / 5 % 20}-C{i / 5:000000}.docx"), "0123456789abcdef0123456789abcdef", i % 5, FormattableString.Invariant($"synthetic passage {i}"));
        }

        return new VectorStore(model.Name + "|synthetic", model.Dimensions, entries, vectors);
    }

    private static Percentiles Percentiles(List<double> values)
    {
        values.Sort();
        return new Percentiles(Metrics.Percentile(values, 0.5), Metrics.Percentile(values, 0.9), Metrics.Percentile(values, 0.99));
    }

    /// <summary>
    /// The passages of the first <paramref name="documents"/> corpus documents, as the stage cuts them
    /// from a fresh index: embedded by the model directly (each batch size and thread count, no cache),
    /// then by <see cref="SemanticIndex.SyncAsync"/> with an empty cache (cutting, cache keys, model, commit).
    /// </summary>
    private static async Task<ThroughputBench> ThroughputAsync(ParseResult parse, int documents, int[] batchSizes, int[] threads, CancellationToken ct)
    {
        using var temp = new TempDirectory();
        var docs = Directory.CreateDirectory(Path.Combine(temp.Path, "docs")).FullName;
        string corpus;
        using (var probe = CliApp.CreateHost(parse))
        {
            corpus = Path.GetFullPath(probe.Services.GetRequiredService<IOptions<SearchOptions>>().Value.CorpusPath);
        }

        foreach (var f in Directory.GetFiles(corpus).Order(StringComparer.Ordinal).Take(documents))
        {
            File.Copy(f, Path.Combine(docs, Path.GetFileName(f)));
        }

        using var host = CliApp.CreateHost(parse, b => b.Configuration.AddInMemoryCollection(
        [
            new("Search:IndexPath", Path.Combine(temp.Path, "index")),
            new("Search:CorpusPath", docs),
            new("Search:TopicsEnabled", "false"),
        ]));
        await host.Services.GetRequiredService<IngestionPipeline>().IngestAsync(docs, null, ct).ConfigureAwait(false);
        var semantic = host.Services.GetRequiredService<SemanticIndex>();
        var store = host.Services.GetRequiredService<IndexStore>();
        List<string> texts;
        using (var lease = store.Lease())
        {
            texts = [.. Search.Core.Indexing.LiveDocuments.Read(lease.Searcher.IndexReader, new HashSet<string>(SemanticIndex.PassageFields))
                .SelectMany(d => SemanticIndex.PassagesOf(d.Stored).Select(p => p.Text))];
        }

        // Raw: the model alone, on batches of the same passages, no cache.
        var raw = new List<RawThroughput>();
        foreach (var t in threads)
        {
            using var model = new MiniLmEmbeddingModel(Options.Create(new SearchOptions { EmbeddingThreads = t }));
            model.Embed(texts.Take(8).ToList(), ct);
            foreach (var b in batchSizes)
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < texts.Count; i += b)
                {
                    model.Embed(texts.GetRange(i, Math.Min(b, texts.Count - i)), ct);
                }

                raw.Add(new RawThroughput(b, model.Threads, false, texts.Count / clock.Elapsed.TotalSeconds));
            }

            // As the stage batches them: similar lengths together (less padding).
            var sorted = texts.OrderBy(x => x.Length).ToList();
            foreach (var b in batchSizes)
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < sorted.Count; i += b)
                {
                    model.Embed(sorted.GetRange(i, Math.Min(b, sorted.Count - i)), ct);
                }

                raw.Add(new RawThroughput(b, model.Threads, true, sorted.Count / clock.Elapsed.TotalSeconds));
            }
        }

        // The stage: as a service runs it after ingestion, the model loaded, the cache empty.
        semantic.LoadModel();
        var stage = Stopwatch.StartNew();
        var status = await semantic.SyncAsync(null, ct).ConfigureAwait(false);
        var stageRate = status.Passages / stage.Elapsed.TotalSeconds;
        var options = host.Services.GetRequiredService<IOptions<SearchOptions>>().Value;
        var stageThreads = options.EmbeddingThreads > 0 ? options.EmbeddingThreads : Environment.ProcessorCount;
        return new ThroughputBench(
            status.Documents, status.Passages, texts.Average(x => x.Split(' ').Length), raw,
            semantic.BatchSize, stageThreads, stageRate, stageRate / raw.Max(r => r.PassagesPerSecond));
    }

    /// <summary>A folder under the temp path, removed after the run.</summary>
    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"search-bench-{Guid.NewGuid():N}")).FullName;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean.
            }
        }
    }
}

internal sealed record Percentiles(double P50, double P90, double P99);

internal sealed record LatencyBench(
    int Passages, int Documents, int ScanThreads, bool Mapped, double StoreMegabytes, double LoadSeconds,
    long WorkingSetMegabytes, long WorkingSetAfterQueriesMegabytes, long PeakWorkingSetMegabytes, long AnonymousMegabytes, long AnonymousAfterQueriesMegabytes, int Queries,
    Percentiles Embedding, Percentiles Vector, Percentiles Semantic, Percentiles Hybrid);

internal sealed record RawThroughput(int BatchSize, int Threads, bool SortedByLength, double PassagesPerSecond);

internal sealed record ThroughputBench(
    int Documents, int Passages, double WordsPerPassage, IReadOnlyList<RawThroughput> Raw,
    int StageBatchSize, int StageThreads, double StagePassagesPerSecond, double StageShareOfBestRaw);
