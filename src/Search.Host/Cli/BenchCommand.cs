using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Core.Indexing;
using Search.Core;
using Search.Core.Querying;

namespace Search.Host.Cli;

/// <summary>
/// <c>search bench [DATA]</c>: the product on the scale kit's terms (<c>../shared/bench</c>), so that its
/// figures sit in one table with SQLite FTS5's and Xapian's. DATA is a kit folder (<c>txt/</c>,
/// <c>queries.jsonl</c>) or any folder of documents. Builds a fresh index as <c>search ingest
/// --skip-semantic</c> does (the lexical phase, then topics), then runs each query single-threaded
/// through <see cref="SearchService"/> (bm25, top 10) in three modes, in the peers' rotating order:
/// plain (snippets, no facet counts: what a user is shown), filtered by study group, and with every
/// facet's counts; then plain without snippets. A benchmark command, never a test: figures depend on
/// the machine and on what else it runs.
/// </summary>
/// <summary>The three ways a benchmark runs each query (as the kit's peers do): plain, filtered by study group, with every facet count.</summary>
internal enum BenchMode
{
    Plain,
    Filtered,
    Facets,
}

internal static class BenchCommand
{
    /// <summary>The queries the peers do not count (the first ones, in plain mode), as in the kit.</summary>
    public const int WarmUp = 30;

    /// <summary>The study groups the filtered mode rotates over (query i: <c>Groups[i % 10]</c>), the kit's <c>SGS</c>.</summary>
    public static readonly IReadOnlyList<string> Groups = ["SG17", "SG13", "SG15", "SG20", "SG12", "SG11", "SG21", "SG5", "SG2", "TSAG"];

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
        var data = new Argument<string?>("data") { Description = "A scale-kit folder (txt/ and queries.jsonl, from make_scale.py --txt) or a folder of documents (default: corpus/documents)", Arity = ArgumentArity.ZeroOrOne };
        var queries = new Option<string?>("--queries") { Description = "Queries: a .jsonl of {\"_id\",\"text\"} claims (run as the kit's OR of terms) or one query per line (run as typed). Default: DATA/queries.jsonl, else a built-in set" };
        var maxQueries = new Option<int>("--max-queries") { Description = "Use only the first M queries (0: all)", DefaultValueFactory = _ => 0 };
        var runs = new Option<int>("--runs") { Description = "Passes over the query set", DefaultValueFactory = _ => 1 };
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary index and print where it is (an index given with --index is always kept)" };
        var label = new Option<string?>("--label") { Description = "A label copied into the JSON line" };
        var json = new Option<bool>("--json") { Description = "Print one JSON line with the peers' keys" };
        var command = new Command("bench", "Measure build rate, index size, query latency (plain, filtered, with facet counts) and peak memory on a scale-kit folder")
        {
            data, queries, maxQueries, runs, keep, label, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var given = parse.GetValue(CliApp.IndexOption);
            var temp = given is null ? Directory.CreateTempSubdirectory("search-bench-") : null;
            var kept = given is not null || parse.GetValue(keep);
            try
            {
                using var host = temp is null
                    ? CliApp.CreateHost(parse)
                    : CliApp.CreateHost(parse, b => b.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Search:IndexPath", temp.FullName)]));
                var folder = parse.GetValue(data) is { } d ? RepositoryLocator.ResolveInput(d) : host.Services.GetRequiredService<IOptions<SearchOptions>>().Value.CorpusPath;
                if (!Directory.Exists(folder))
                {
                    throw new CliException($"folder not found: {folder}", 2);
                }

                var documents = Directory.Exists(Path.Combine(folder, "txt")) ? Path.Combine(folder, "txt") : folder;
                var list = LoadQueries(parse.GetValue(queries), folder, parse.GetValue(maxQueries));
                if (list.Count == 0)
                {
                    throw new CliException("no queries to run", 2);
                }

                var store = host.Services.GetRequiredService<IndexStore>();
                if (store.Exists)
                {
                    throw new CliException($"{store.IndexPath} already holds an index; the benchmark builds a fresh one (give an empty or new --index folder)", 2);
                }

                var result = await RunAsync(host, documents, list, Math.Max(1, parse.GetValue(runs)), parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
                result = result with { Label = parse.GetValue(label) ?? string.Empty, Index = kept ? store.IndexPath : null };
                var output = parse.InvocationConfiguration.Output;
                if (parse.GetValue(json))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(result, CliOutput.JsonLines)).ConfigureAwait(false);
                }
                else
                {
                    await WriteTableAsync(output, result, documents).ConfigureAwait(false);
                }

                return 0;
            }
            finally
            {
                if (temp is not null && !kept)
                {
                    temp.Delete(recursive: true);
                }
            }
        });
        return command;
    }

    private static IReadOnlyList<BenchQuery> LoadQueries(string? file, string folder, int max)
    {
        if (file is not null)
        {
            return BenchQueries.Load(RepositoryLocator.ResolveInput(file), max);
        }

        var kit = Path.Combine(folder, "queries.jsonl");
        return File.Exists(kit) ? BenchQueries.Load(kit, max) : BenchQueries.Typed(DefaultQueries, max);
    }

    /// <summary>The warm-up a service runs when it starts (<see cref="SearchWarmUp"/>), with its budget; what it did goes to <paramref name="error"/>.</summary>
    public static async Task WarmUpAsync(Microsoft.Extensions.Hosting.IHost host, TextWriter error, bool hybrid, CancellationToken ct)
    {
        var budget = TimeSpan.FromSeconds(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Search.Core.SearchOptions>>().Value.WarmUpSeconds);
        var r = SearchWarmUp.Run(host.Services.GetRequiredService<SearchService>(), host.Services.GetRequiredService<IndexStore>(), budget, hybrid, ct);
        await error.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"search warm-up: {r.Searches} searches ({r.Matched} with hits) in {r.Rounds} rounds, {r.MethodsCompiled} methods compiled ({r.MethodsCompiledLastRound} in the last round), {r.Seconds:0.0} s{(r.Skipped is null ? "" : "; skipped: " + r.Skipped)}")).ConfigureAwait(false);
    }

    private static async Task<BenchResult> RunAsync(Microsoft.Extensions.Hosting.IHost host, string documents, IReadOnlyList<BenchQuery> queries, int runs, TextWriter error, CancellationToken ct)
    {
        // The build: what `search ingest --skip-semantic` does, the lexical phase then topics.
        var clock = Stopwatch.StartNew();
        var report = await host.Services.GetRequiredService<IngestionPipeline>().IngestAsync(documents, new IngestionRun(), null, ct).ConfigureAwait(false);
        var lexical = clock.Elapsed.TotalSeconds;
        await IngestCommand.CatchUpAsync(host, error, TimeSpan.Zero, embed: false, ct).ConfigureAwait(false);
        var build = clock.Elapsed.TotalSeconds;
        var store = host.Services.GetRequiredService<IndexStore>();
        var indexBytes = new DirectoryInfo(store.IndexPath).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

        var search = host.Services.GetRequiredService<SearchService>();

        // Steady state: the typo vocabulary of a large index is built in the background (one core for
        // several seconds at 100k documents); it is waited for here, not measured as query latency.
        var vocabulary = Stopwatch.StartNew();
        while (!search.WarmedUp() && vocabulary.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        await error.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"warmed up (typo vocabulary, block bounds) after {vocabulary.Elapsed.TotalSeconds:0.0} s")).ConfigureAwait(false);
        await WarmUpAsync(host, error, hybrid: false, ct).ConfigureAwait(false);
        var overLimit = 0;
        foreach (var q in queries.Take(WarmUp))
        {
            Timed(search, Request(q, BenchMode.Plain, 0, snippets: true), ref overLimit, error, ct);
        }

        overLimit = 0;

        var latency = new Dictionary<BenchMode, List<double>> { [BenchMode.Plain] = [], [BenchMode.Filtered] = [], [BenchMode.Facets] = [] };
        var bare = new List<double>();
        var gc = GcCounts.Now();
        var matched = new List<double>();
        BenchMode[] modes = [BenchMode.Plain, BenchMode.Filtered, BenchMode.Facets];
        for (var pass = 0; pass < runs; pass++)
        {
            for (var i = 0; i < queries.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                foreach (var mode in modes[(i % 3)..].Concat(modes[..(i % 3)]))
                {
                    var (ms, response) = Timed(search, Request(queries[i], mode, i, snippets: true), ref overLimit, error, ct);
                    latency[mode].Add(ms);
                    if (mode == BenchMode.Facets && response is not null)
                    {
                        matched.Add(response.Total);
                    }
                }

                bare.Add(Timed(search, Request(queries[i], BenchMode.Plain, i, snippets: false), ref overLimit, error, ct).Milliseconds);
            }
        }

        var collected = GcCounts.Now() - gc;
        var docs = report.Indexed;
        return new BenchResult
        {
            Docs = docs,
            Failed = report.Failed.Count,
            BuildSeconds = Math.Round(build, 2),
            LexicalSeconds = Math.Round(lexical, 2),
            TopicsSeconds = Math.Round(build - lexical, 2),
            DocsPerSecond = build <= 0 ? 0 : Math.Round(docs / build, 1),
            IndexMegabytes = Math.Round(indexBytes / 1048576.0, 1),
            Queries = queries.Count,
            Runs = runs,
            MeanTerms = Math.Round(queries.Average(q => q.Terms), 1),
            MedianMatched = BenchStatistics.Median(matched),
            Plain = LatencySummary.Of(latency[BenchMode.Plain]),
            Filtered = LatencySummary.Of(latency[BenchMode.Filtered]),
            Facets = LatencySummary.Of(latency[BenchMode.Facets]),
            PlainWithoutSnippets = LatencySummary.Of(bare),
            OverLimit = overLimit,
            Gc = collected,
            PeakRssMegabytes = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
        };
    }

    /// <summary>The garbage collector's line of a benchmark's report.</summary>
    internal static string GcLine(GcCounts gc)
    {
        ArgumentNullException.ThrowIfNull(gc);
        var collections = gc.Gen0 + gc.Gen1 + gc.Gen2;
        return FormattableString.Invariant(
            $"gc:       {gc.Gen0} gen0, {gc.Gen1} gen1, {gc.Gen2} gen2 collections during the measured searches, paused {gc.PauseMilliseconds:0} ms in all ({(collections == 0 ? 0 : gc.PauseMilliseconds / collections):0.00} ms a collection), {gc.AllocatedMegabytes:0} MB allocated");
    }

    /// <summary>Query <paramref name="i"/> of a benchmark in one of its modes, top 10 (filtered: the kit's study group for i).</summary>
    internal static SearchRequest Request(BenchQuery query, BenchMode mode, int i, bool snippets, SearchMode searchMode = SearchMode.Bm25) => new()
    {
        Query = query.Text,
        Mode = searchMode,
        PageSize = 10,
        IncludeSnippets = snippets,
        IncludeFacets = mode == BenchMode.Facets,
        Filters = mode == BenchMode.Filtered
            ? new Dictionary<string, IReadOnlyList<string>> { [IndexFields.StudyGroup] = [Groups[i % Groups.Count]] }
            : new Dictionary<string, IReadOnlyList<string>>(),
    };

    /// <summary>
    /// The wall time of one <see cref="SearchService.Search"/> call, in milliseconds. A search over a limit
    /// (its time budget, on a busy machine) is what a user would wait for an error: its time counts, it is
    /// counted in <paramref name="overLimit"/>, the first one is named on <paramref name="error"/>, and the run goes on.
    /// </summary>
    internal static (double Milliseconds, SearchResponse? Response) Timed(SearchService search, SearchRequest request, ref int overLimit, TextWriter error, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var response = search.Search(request, ct);
            return (clock.Elapsed.TotalMilliseconds, response);
        }
        catch (QueryLimitException ex)
        {
            var ms = clock.Elapsed.TotalMilliseconds;
            if (overLimit++ == 0)
            {
                error.WriteLine($"note: '{request.Query}': {ex.Message} (its time is counted; the run goes on)");
            }

            return (ms, null);
        }
    }

    private static async Task WriteTableAsync(TextWriter output, BenchResult r, string documents)
    {
        await output.WriteLineAsync(FormattableString.Invariant(
            $"build:    {r.Docs} documents from {documents} ({r.Failed} failed) in {r.BuildSeconds:0.00} s (lexical {r.LexicalSeconds:0.00} s + topics {r.TopicsSeconds:0.00} s) = {r.DocsPerSecond:0} documents/s")).ConfigureAwait(false);
        await output.WriteLineAsync(FormattableString.Invariant($"index:    {r.IndexMegabytes:0.0} MB{(r.Index is null ? string.Empty : $" in {r.Index}")}")).ConfigureAwait(false);
        await output.WriteLineAsync(FormattableString.Invariant(
            $"queries:  {r.Queries} x {r.Runs} (mean {r.MeanTerms:0.0} terms, median {r.MedianMatched:0} matched; {Math.Min(WarmUp, r.Queries)} warm-up not counted), bm25, top 10")).ConfigureAwait(false);
        await output.WriteLineAsync("mode                          p50 ms    p90 ms    p99 ms       n").ConfigureAwait(false);
        foreach (var (name, s) in new[] { ("plain (snippets)", r.Plain), ("filtered by sg", r.Filtered), ("with facet counts", r.Facets), ("plain without snippets", r.PlainWithoutSnippets) })
        {
            await output.WriteLineAsync(FormattableString.Invariant($"{name,-26}{s.P50,10:0.000}{s.P90,10:0.000}{s.P99,10:0.000}{s.N,8}")).ConfigureAwait(false);
        }

        if (r.OverLimit > 0)
        {
            await output.WriteLineAsync(FormattableString.Invariant($"refused:  {r.OverLimit} searches over a limit (the time budget); their time until refusal is counted")).ConfigureAwait(false);
        }

        if (r.Gc is { } gc)
        {
            await output.WriteLineAsync(GcLine(gc)).ConfigureAwait(false);
        }

        await output.WriteLineAsync(FormattableString.Invariant($"memory:   peak working set {r.PeakRssMegabytes:0.0} MB")).ConfigureAwait(false);
    }
}

/// <summary>The garbage collector's counts over a stretch of a benchmark: collections by generation, time paused, bytes allocated.</summary>
internal sealed record GcCounts(
    [property: JsonPropertyName("gen0")] int Gen0,
    [property: JsonPropertyName("gen1")] int Gen1,
    [property: JsonPropertyName("gen2")] int Gen2,
    [property: JsonPropertyName("pause_ms")] double PauseMilliseconds,
    [property: JsonPropertyName("allocated_mb")] double AllocatedMegabytes)
{
    public static GcCounts Now()
    {
        var gen2 = GC.CollectionCount(2);
        var gen1 = GC.CollectionCount(1);
        return new(GC.CollectionCount(0) - gen1, gen1 - gen2, gen2, GC.GetTotalPauseDuration().TotalMilliseconds, GC.GetTotalAllocatedBytes() / 1048576.0);
    }

    public static GcCounts operator -(GcCounts after, GcCounts before)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(before);
        return new(after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, Math.Round(after.PauseMilliseconds - before.PauseMilliseconds, 1), Math.Round(after.AllocatedMegabytes - before.AllocatedMegabytes, 1));
    }
}

/// <summary>The kit's statistics (<c>scale_common.py</c>): the median as Python's <c>statistics.median</c>, other percentiles nearest-rank as <c>pct</c>.</summary>
internal static class BenchStatistics
{
    /// <summary>The middle value, or the mean of the two middle ones; 0 for none.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var s = values.Order().ToList();
        var mid = s.Count / 2;
        return s.Count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    /// <summary>
    /// <c>pct</c>: <c>s[max(0, min(n - 1, int(round(p / 100.0 * n + 0.5)) - 1))]</c>; Python's <c>round</c>
    /// rounds halves to even, as <see cref="Math.Round(double)"/> does.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var s = values.Order().ToList();
        var k = (int)Math.Round(p / 100.0 * s.Count + 0.5, MidpointRounding.ToEven) - 1;
        return s[Math.Clamp(k, 0, s.Count - 1)];
    }
}

/// <summary>Latency of one mode in milliseconds, as the kit's <c>lat_summary</c>.</summary>
internal sealed record LatencySummary(
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p90")] double P90,
    [property: JsonPropertyName("p99")] double P99,
    [property: JsonPropertyName("n")] int N)
{
    public static LatencySummary Of(IReadOnlyList<double> ms) => new(
        Math.Round(BenchStatistics.Median(ms), 3), Math.Round(BenchStatistics.Percentile(ms, 90), 3), Math.Round(BenchStatistics.Percentile(ms, 99), 3), ms.Count);
}

/// <summary>The figures of <c>search bench</c>, under the keys of the kit's peers (and a few of the product's own).</summary>
internal sealed record BenchResult
{
    [JsonPropertyName("peer")]
    public string Peer { get; init; } = "search";

    [JsonPropertyName("label")]
    public string Label { get; init; } = string.Empty;

    [JsonPropertyName("docs")]
    public int Docs { get; init; }

    [JsonPropertyName("failed")]
    public int Failed { get; init; }

    /// <summary>Ingestion and topics, as <c>search ingest --skip-semantic</c>.</summary>
    [JsonPropertyName("build_s")]
    public double BuildSeconds { get; init; }

    [JsonPropertyName("lexical_s")]
    public double LexicalSeconds { get; init; }

    [JsonPropertyName("topics_s")]
    public double TopicsSeconds { get; init; }

    [JsonPropertyName("docs_per_s")]
    public double DocsPerSecond { get; init; }

    /// <summary>The index folder on disk.</summary>
    [JsonPropertyName("index_mb")]
    public double IndexMegabytes { get; init; }

    [JsonPropertyName("queries")]
    public int Queries { get; init; }

    [JsonPropertyName("runs")]
    public int Runs { get; init; }

    [JsonPropertyName("mean_terms")]
    public double MeanTerms { get; init; }

    /// <summary>The median total of the facet mode's responses.</summary>
    [JsonPropertyName("median_matched")]
    public double MedianMatched { get; init; }

    [JsonPropertyName("plain")]
    public required LatencySummary Plain { get; init; }

    [JsonPropertyName("filtered")]
    public required LatencySummary Filtered { get; init; }

    [JsonPropertyName("facet")]
    public required LatencySummary Facets { get; init; }

    [JsonPropertyName("plain_no_snippets")]
    public required LatencySummary PlainWithoutSnippets { get; init; }

    /// <summary>Searches answered with a limit error (the time budget, <c>Search:QueryTimeoutSeconds</c>) instead of results.</summary>
    [JsonPropertyName("over_limit")]
    public int OverLimit { get; init; }

    /// <summary>The garbage collector during the measured searches.</summary>
    [JsonPropertyName("gc")]
    public GcCounts? Gc { get; init; }

    /// <summary>The process's peak working set (the peers report their peak RSS).</summary>
    [JsonPropertyName("ru_maxrss_mb")]
    public double PeakRssMegabytes { get; init; }

    /// <summary>Where the index was kept (null when it was deleted).</summary>
    [JsonPropertyName("index")]
    public string? Index { get; init; }
}
