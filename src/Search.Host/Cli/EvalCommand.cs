using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Core.Indexing;
using Search.Core;
using Search.Core.Evaluation;
using Search.Core.Ingestion;
using Search.Core.Querying;
using Search.Core.Semantic;
using Search.Host.Http;

namespace Search.Host.Cli;

/// <summary>
/// <c>search eval --dataset DIR</c>: nDCG@10, Recall@100, MRR@10 and latency per mode on a BEIR-format
/// collection; with <c>corpus.jsonl</c> the collection is indexed on its own (flat BM25 as published
/// baselines), without it the queries run through the product on the ingested corpus (the corpus's
/// own judged queries), with a breakdown by query type.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Folder in BEIR format (corpus.jsonl optional, queries.jsonl, qrels/test.tsv)", Required = true };
        var mode = new Option<string>("--mode") { Description = "all (default), bm25, semantic or hybrid", DefaultValueFactory = _ => "all" };
        var fusion = new Option<string?>("--fusion") { Description = "rrf, normalized or zscore (default: tuned on the training queries when the collection has them, else the configured fusion)" };
        var weight = new Option<double?>("--keyword-weight") { Description = "Keyword share with normalized fusion (0-1)" };
        var k1 = new Option<float>("--k1") { Description = "BM25 k1 for the collection index", DefaultValueFactory = _ => 0.9f };
        var b = new Option<float>("--b") { Description = "BM25 b for the collection index", DefaultValueFactory = _ => 0.4f };
        var depth = new Option<int>("--depth") { Description = "Documents taken from each ranking before fusion, on a collection", DefaultValueFactory = _ => 1000 };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON" };
        var calibrate = new Option<bool>("--calibrate") { Description = "Calibrate the semantic match threshold on the judged queries (even-numbered queries train, odd-numbered are held out) instead of evaluating" };
        var command = new Command("eval", "Evaluate retrieval quality and latency on a test collection") { dataset, mode, fusion, weight, k1, b, depth, json, calibrate };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CliApp.CreateHost(parse);
            var folder = RepositoryLocator.ResolveInput(parse.GetValue(dataset)!);
            BeirDataset data;
            try
            {
                data = BeirDataset.Load(folder);
            }
            catch (Exception ex) when (ex is IOException or FormatException)
            {
                throw new CliException(ex.Message, 2);
            }

            var modes = parse.GetValue(mode) switch
            {
                "all" => new[] { SearchMode.Bm25, SearchMode.Semantic, SearchMode.Hybrid },
                var m => [SearchEndpoints.ParseMode(m)],
            };
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(calibrate))
            {
                var calibration = await CalibrateAsync(host, data, parse.GetValue(k1), parse.GetValue(b), error, ct).ConfigureAwait(false);
                await output.WriteLineAsync(parse.GetValue(json) ? JsonSerializer.Serialize(calibration, CliOutput.Json) : calibration.ToString()).ConfigureAwait(false);
                return 0;
            }

            var report = data.Corpus is null
                ? await ProductAsync(host, data, modes, error, ct).ConfigureAwait(false)
                : Collection(host, data, folder, modes, parse.GetValue(fusion), parse.GetValue(weight), parse.GetValue(k1), parse.GetValue(b), Math.Max(Evaluator.Depth, parse.GetValue(depth)), error, ct);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(report, CliOutput.Json)).ConfigureAwait(false);
                return 0;
            }

            await output.WriteLineAsync($"{report.Dataset}: {report.Documents} documents, {report.Queries} queries ({report.Setup})").ConfigureAwait(false);
            if (report.Fusion is { } f)
            {
                await output.WriteLineAsync(FormattableString.Invariant($"hybrid fusion: {f.Method}{(f.Method != FusionMethod.ReciprocalRank ? $", keyword weight {f.KeywordWeight:0.00}" : string.Empty)}{(f.TrainNdcgAt10 > 0 ? $" (tuned on training queries: nDCG@10 {f.TrainNdcgAt10:0.000})" : string.Empty)}")).ConfigureAwait(false);
            }

            await WriteTableAsync(output, report.Results).ConfigureAwait(false);
            foreach (var (type, results) in report.ByType)
            {
                await output.WriteLineAsync($"\n{type} queries:").ConfigureAwait(false);
                await WriteTableAsync(output, results).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static EvalReport Collection(Microsoft.Extensions.Hosting.IHost host, BeirDataset data, string folder, SearchMode[] modes, string? fusion, double? weight, float k1, float b, int depth, TextWriter error, CancellationToken ct)
    {
        var options = host.Services.GetRequiredService<IOptions<SearchOptions>>().Value;
        var model = host.Services.GetRequiredService<IEmbeddingModel>();
        var cache = Path.Combine(Path.GetDirectoryName(options.IndexPath)!, "eval", data.Name, "embeddings.cache");
        using var progress = new ProgressLine<EmbeddingProgress>(error, p => (p.Done, p.Total), IngestCommand.EmbeddingLine("  embedded "), redraw: false);
        error.WriteLine($"Indexing {data.Corpus!.Count} documents and embedding their passages (cached in {cache})…");
        var withVectors = modes.Any(m => m != SearchMode.Bm25);
        using var searcher = new CollectionSearcher(data.Corpus, model, cache, k1, b, withVectors, progress, ct);
        var queryVectors = withVectors ? searcher.Embed(data.Queries.Select(q => q.Text).ToList(), progress, ct) : data.Queries.Select(_ => Array.Empty<float>()).ToArray();

        FusionChoice choice;
        if (fusion is not null)
        {
            var method = fusion switch
            {
                "rrf" => FusionMethod.ReciprocalRank,
                "zscore" => FusionMethod.ZScores,
                _ => FusionMethod.NormalizedScores,
            };
            choice = new FusionChoice(method, weight ?? options.KeywordWeight, 0);
        }
        else if (withVectors && File.Exists(Path.Combine(folder, "queries-train.jsonl")) && File.Exists(Path.Combine(folder, "qrels", "train.tsv")))
        {
            var train = BeirDataset.Load(folder, "queries-train.jsonl", "train.tsv");
            var trainVectors = searcher.Embed(train.Queries.Select(q => q.Text).ToList(), progress, ct);
            choice = Evaluator.Tune(searcher, train.Queries, trainVectors, train.Qrels, depth);
        }
        else
        {
            choice = new FusionChoice(options.Fusion, weight ?? options.KeywordWeight, 0);
        }

        var results = modes.Select(m => Evaluator.Run(searcher, model, data.Queries, queryVectors, data.Qrels, m, choice.Method, choice.KeywordWeight, depth).Result).ToList();
        return new EvalReport(data.Name, data.Corpus.Count, data.Queries.Count,
            string.Create(CultureInfo.InvariantCulture, $"own index: flat BM25 k1={k1} b={b}; {model.Name} passages, best passage per document; {searcher.Vectors.Entries.Count} passages; fusion of the top {depth} of each"),
            choice, results, new Dictionary<string, IReadOnlyList<ModeResult>>());
    }

    /// <summary>The similarity of every document to each judged query (collection: its own index; product: the served semantic index), then <see cref="ThresholdCalibration"/>.</summary>
    private static async Task<ThresholdCalibrationResult> CalibrateAsync(Microsoft.Extensions.Hosting.IHost host, BeirDataset data, float k1, float b, TextWriter error, CancellationToken ct)
    {
        var model = host.Services.GetRequiredService<IEmbeddingModel>();
        if (data.Corpus is not null)
        {
            var options = host.Services.GetRequiredService<IOptions<SearchOptions>>().Value;
            var cache = Path.Combine(Path.GetDirectoryName(options.IndexPath)!, "eval", data.Name, "embeddings.cache");
            using var progress = new ProgressLine<EmbeddingProgress>(error, p => (p.Done, p.Total), IngestCommand.EmbeddingLine("  embedded "), redraw: false);
            using var searcher = new CollectionSearcher(data.Corpus, model, cache, k1, b, true, progress, ct);
            var vectors = searcher.Embed(data.Queries.Select(q => q.Text).ToList(), progress, ct);
            return ThresholdCalibration.Calibrate(data.Name, data.Queries, i => searcher.Semantic(vectors[i], data.Corpus.Count), data.Qrels);
        }

        await host.Services.GetRequiredService<IndexBootstrapper>().EnsureIndexAsync(null, ct).ConfigureAwait(false);
        await IngestCommand.EnrichForReadingAsync(host, error, ct).ConfigureAwait(false);
        var semantic = host.Services.GetRequiredService<SemanticIndex>();
        var store = semantic.Current;
        var queryVectors = semantic.Model.Embed(data.Queries.Select(q => SearchService.SemanticText(q.Text)).ToList(), ct);
        return ThresholdCalibration.Calibrate(data.Name, data.Queries, i => store.Search(queryVectors[i], null, store.Documents.Count).Select(s => (s.DocumentId, s.Score)).ToList(), data.Qrels);
    }

    private static async Task<EvalReport> ProductAsync(Microsoft.Extensions.Hosting.IHost host, BeirDataset data, SearchMode[] modes, TextWriter error, CancellationToken ct)
    {
        await host.Services.GetRequiredService<IndexBootstrapper>().EnsureIndexAsync(null, ct).ConfigureAwait(false);
        await IngestCommand.EnrichForReadingAsync(host, error, ct).ConfigureAwait(false);
        var search = host.Services.GetRequiredService<SearchService>();
        var options = host.Services.GetRequiredService<IOptions<SearchOptions>>().Value;
        var results = modes.Select(m => Evaluator.RunProduct(search, data.Queries, data.Qrels, m, Evaluator.ModeName(m))).ToList();
        var byType = data.Queries.Where(q => q.Type is not null).GroupBy(q => q.Type!).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ModeResult>)modes.Select(m => Evaluator.RunProduct(search, g.ToList(), data.Qrels, m, Evaluator.ModeName(m))).ToList());
        return new EvalReport(data.Name, search.Count(), data.Queries.Count, "the product index: multi-field BM25, semantic and hybrid search as served",
            new FusionChoice(options.Fusion, options.KeywordWeight, 0), results, byType);
    }

    private static async Task WriteTableAsync(TextWriter output, IEnumerable<ModeResult> results)
    {
        await output.WriteLineAsync("  mode       nDCG@10  Recall@100  MRR@10   p50 ms   p99 ms").ConfigureAwait(false);
        foreach (var r in results)
        {
            await output.WriteLineAsync(FormattableString.Invariant($"  {r.Mode,-9} {r.NdcgAt10,8:0.000} {r.RecallAt100,11:0.000} {r.MrrAt10,7:0.000} {r.P50Milliseconds,8:0.0} {r.P99Milliseconds,8:0.0}")).ConfigureAwait(false);
        }
    }
}

/// <summary>What <c>search eval</c> prints.</summary>
internal sealed record EvalReport(
    string Dataset, int Documents, int Queries, string Setup, FusionChoice? Fusion,
    IReadOnlyList<ModeResult> Results, IReadOnlyDictionary<string, IReadOnlyList<ModeResult>> ByType);
