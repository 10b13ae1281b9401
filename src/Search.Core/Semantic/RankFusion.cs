namespace Search.Core.Semantic;

/// <summary>How keyword and semantic rankings are combined.</summary>
public enum FusionMethod
{
    /// <summary>Reciprocal rank fusion: Σ 1 / (k + rank).</summary>
    ReciprocalRank,

    /// <summary>Weighted sum of min-max normalised scores.</summary>
    NormalizedScores,

    /// <summary>Weighted sum of standardised scores (z-scores within each ranking); a document missing from a ranking takes that ranking's lowest z-score.</summary>
    ZScores,
}

/// <summary>A document's fused score with its components.</summary>
public sealed record FusedScore(string DocumentId, double Score, float? Keyword, int? KeywordRank, float? Semantic, int? SemanticRank);

/// <summary>Combines a keyword (BM25) ranking and a semantic ranking of documents into one.</summary>
public static class RankFusion
{
    /// <summary>The k of reciprocal rank fusion (Cormack et al., 2009).</summary>
    public const int RrfK = 60;

    /// <summary>
    /// The lowest fused position (1-based) of the keyword ranking's best document. With one or a few
    /// keyword matches (a rare name, a unique marker word) standardised scores say little and the
    /// similarity of unrelated documents could bury the only real match; the best keyword match is
    /// moved up to this position when it fell lower. Checked on SciFact, Cranfield and corpus/eval
    /// (README, "How many results").
    /// </summary>
    public const int KeywordBestPosition = 3;

    /// <param name="keyword">Document ids with BM25 scores, best first.</param>
    /// <param name="semantic">Document ids with similarities, best first.</param>
    /// <param name="keywordWeight">With <see cref="FusionMethod.NormalizedScores"/>, the keyword share (0-1); the semantic share is the rest.</param>
    public static IReadOnlyList<FusedScore> Fuse(
        IReadOnlyList<(string Id, float Score)> keyword,
        IReadOnlyList<(string Id, float Score)> semantic,
        FusionMethod method,
        double keywordWeight)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        ArgumentNullException.ThrowIfNull(semantic);
        var k = Index(keyword);
        var s = Index(semantic);
        var (kMin, kMax) = Range(keyword);
        var (sMin, sMax) = Range(semantic);
        var (kMean, kSd) = Moments(keyword);
        var (sMean, sSd) = Moments(semantic);
        var kFloor = keyword.Count == 0 ? 0 : (kMin - kMean) / kSd;
        var sFloor = semantic.Count == 0 ? 0 : (sMin - sMean) / sSd;
        var result = new List<FusedScore>();
        foreach (var id in k.Keys.Union(s.Keys))
        {
            var hasK = k.TryGetValue(id, out var kv);
            var hasS = s.TryGetValue(id, out var sv);
            double score = method switch
            {
                FusionMethod.ReciprocalRank => (hasK ? 1.0 / (RrfK + kv.Rank) : 0) + (hasS ? 1.0 / (RrfK + sv.Rank) : 0),
                FusionMethod.ZScores => (keywordWeight * (hasK ? (kv.Score - kMean) / kSd : kFloor)) + ((1 - keywordWeight) * (hasS ? (sv.Score - sMean) / sSd : sFloor)),
                _ => (keywordWeight * (hasK ? Normalize(kv.Score, kMin, kMax) : 0)) + ((1 - keywordWeight) * (hasS ? Normalize(sv.Score, sMin, sMax) : 0)),
            };
            result.Add(new FusedScore(id, score, hasK ? kv.Score : null, hasK ? kv.Rank : null, hasS ? sv.Score : null, hasS ? sv.Rank : null));
        }

        var ordered = result.OrderByDescending(r => r.Score).ThenBy(r => r.KeywordRank ?? int.MaxValue).ThenBy(r => r.DocumentId, StringComparer.Ordinal).ToList();
        var best = ordered.FindIndex(r => r.KeywordRank == 1);
        if (best >= KeywordBestPosition)
        {
            var top = ordered[best];
            ordered.RemoveAt(best);
            ordered.Insert(KeywordBestPosition - 1, top);
        }

        return ordered;
    }

    private static Dictionary<string, (float Score, int Rank)> Index(IReadOnlyList<(string Id, float Score)> ranking)
    {
        var index = new Dictionary<string, (float, int)>(StringComparer.Ordinal);
        for (var i = 0; i < ranking.Count; i++)
        {
            index.TryAdd(ranking[i].Id, (ranking[i].Score, i + 1));
        }

        return index;
    }

    private static (float Min, float Max) Range(IReadOnlyList<(string Id, float Score)> ranking) =>
        ranking.Count == 0 ? (0, 0) : (ranking.Min(r => r.Score), ranking.Max(r => r.Score));

    private static (double Mean, double Sd) Moments(IReadOnlyList<(string Id, float Score)> ranking)
    {
        if (ranking.Count == 0)
        {
            return (0, 1);
        }

        var mean = ranking.Average(r => (double)r.Score);
        var sd = Math.Sqrt(ranking.Average(r => (r.Score - mean) * (r.Score - mean)));
        return (mean, sd > 0 ? sd : 1);
    }

    private static double Normalize(float value, float min, float max) => max > min ? (value - min) / (max - min) : 1.0;
}
