using System.Diagnostics;
using Search.Core.Querying;
using Search.Core.Semantic;

namespace Search.Core.Evaluation;

/// <summary>Quality and latency of one mode over a query set.</summary>
public sealed record ModeResult(string Mode, int Queries, double NdcgAt10, double RecallAt100, double MrrAt10, double P50Milliseconds, double P99Milliseconds);

/// <summary>Fusion settings and the training-query nDCG@10 they reached.</summary>
public sealed record FusionChoice(FusionMethod Method, double KeywordWeight, double TrainNdcgAt10);

/// <summary>Evaluates retrieval modes on a BEIR-format collection or on the product index.</summary>
public static class Evaluator
{
    /// <summary>Results scored per query (Recall@100).</summary>
    public const int Depth = 100;

    /// <summary>Runs one mode on a collection searcher; <paramref name="queryVectors"/> are the embedded queries in order.</summary>
    public static (ModeResult Result, Dictionary<string, List<string>> Runs) Run(
        CollectionSearcher searcher, IEmbeddingModel model, IReadOnlyList<EvalQuery> queries, IReadOnlyList<float[]> queryVectors,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> qrels, SearchMode mode, FusionMethod method, double keywordWeight, int fusionDepth)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(queryVectors);
        var runs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var latencies = new List<double>();
        if (mode != SearchMode.Bm25 && queries.Count > 0)
        {
            _ = model.Embed([queries[0].Text], CancellationToken.None); // load the model before timing
        }

        for (var i = 0; i < queries.Count; i++)
        {
            var q = queries[i];
            var clock = Stopwatch.StartNew();
            List<string> ranked;
            if (mode == SearchMode.Bm25)
            {
                ranked = searcher.Keyword(q.Text, Depth).Select(r => r.Id).ToList();
            }
            else
            {
                // The timed path embeds the query (the cached vector is used for the figures, and is the same).
                _ = model.Embed([q.Text], CancellationToken.None);
                var semantic = searcher.Semantic(queryVectors[i], Math.Max(Depth, fusionDepth));
                ranked = mode == SearchMode.Semantic
                    ? semantic.Take(Depth).Select(r => r.Id).ToList()
                    : RankFusion.Fuse(searcher.Keyword(q.Text, fusionDepth), semantic.Take(fusionDepth).ToList(), method, keywordWeight).Take(Depth).Select(f => f.DocumentId).ToList();
            }

            latencies.Add(clock.Elapsed.TotalMilliseconds);
            runs[q.Id] = ranked;
        }

        return (Score(ModeName(mode), queries, runs, qrels, latencies), runs);
    }

    /// <summary>Chooses fusion settings on training queries: reciprocal rank fusion, and min-max or z-score normalised scores with keyword weights 0.05 to 0.95.</summary>
    public static FusionChoice Tune(CollectionSearcher searcher, IReadOnlyList<EvalQuery> queries, IReadOnlyList<float[]> queryVectors, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> qrels, int fusionDepth)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        ArgumentNullException.ThrowIfNull(queries);
        var keyword = queries.Select(q => searcher.Keyword(q.Text, fusionDepth)).ToList();
        var semantic = queryVectors.Select(v => searcher.Semantic(v, fusionDepth)).ToList();
        double Ndcg(FusionMethod method, double weight) => queries.Select((q, i) =>
            Metrics.NdcgAt(RankFusion.Fuse(keyword[i], semantic[i], method, weight).Take(10).Select(f => f.DocumentId).ToList(), qrels[q.Id], 10)).Average();

        var best = new FusionChoice(FusionMethod.ReciprocalRank, 0.5, Ndcg(FusionMethod.ReciprocalRank, 0.5));
        foreach (var method in new[] { FusionMethod.NormalizedScores, FusionMethod.ZScores })
        {
            for (var w = 0.05; w < 0.96; w += 0.05)
            {
                var weight = Math.Round(w, 2);
                var ndcg = Ndcg(method, weight);
                if (ndcg > best.TrainNdcgAt10)
                {
                    best = new FusionChoice(method, weight, ndcg);
                }
            }
        }

        return best;
    }

    /// <summary>Runs one mode through the product's search service (the corpus's own judged queries).</summary>
    public static ModeResult RunProduct(SearchService search, IReadOnlyList<EvalQuery> queries, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> qrels, SearchMode mode, string label)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(queries);
        var runs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var latencies = new List<double>();

        // Warm up (JIT, model load, caches) so that latency measures queries, not start-up.
        foreach (var q in queries.Take(3))
        {
            search.Search(new SearchRequest { Query = q.Text, Mode = mode, PageSize = Depth, IncludeFacets = false, IncludeSnippets = false });
        }

        foreach (var q in queries)
        {
            var clock = Stopwatch.StartNew();
            var response = search.Search(new SearchRequest { Query = q.Text, Mode = mode, PageSize = Depth, IncludeFacets = false, IncludeSnippets = false });
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            runs[q.Id] = response.Hits.Select(h => h.Id).ToList();
        }

        return Score(label, queries, runs, qrels, latencies);
    }

    public static ModeResult Score(string label, IReadOnlyList<EvalQuery> queries, Dictionary<string, List<string>> runs, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> qrels, List<double> latencies)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(qrels);
        ArgumentNullException.ThrowIfNull(latencies);
        var sorted = latencies.Order().ToList();
        return new ModeResult(
            label,
            queries.Count,
            queries.Average(q => Metrics.NdcgAt(runs[q.Id], qrels[q.Id], 10)),
            queries.Average(q => Metrics.RecallAt(runs[q.Id], qrels[q.Id], 100)),
            queries.Average(q => Metrics.MrrAt(runs[q.Id], qrels[q.Id], 10)),
            Metrics.Percentile(sorted, 0.50),
            Metrics.Percentile(sorted, 0.99));
    }

    public static string ModeName(SearchMode mode) => mode switch
    {
        SearchMode.Bm25 => "bm25",
        SearchMode.Semantic => "semantic",
        _ => "hybrid",
    };
}
