using System.Globalization;

namespace Search.Core.Evaluation;

/// <summary>Precision, recall and F1 of "similarity ≥ threshold ⇒ relevant" over judged query-document pairs.</summary>
public sealed record ThresholdQuality(double Threshold, double Precision, double Recall, double F1, int Queries);

/// <summary>A calibrated threshold: chosen on the training half of the judged queries, checked on the held-out half.</summary>
public sealed record ThresholdCalibrationResult(string Dataset, ThresholdQuality Train, ThresholdQuality HeldOut)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Dataset}: threshold {Train.Threshold:0.00}; training queries ({Train.Queries}) P {Train.Precision:0.000} R {Train.Recall:0.000} F1 {Train.F1:0.000}; held-out queries ({HeldOut.Queries}) P {HeldOut.Precision:0.000} R {HeldOut.Recall:0.000} F1 {HeldOut.F1:0.000}");
}

/// <summary>
/// Calibrates the similarity from which a document counts as a semantic match
/// (<see cref="Semantic.SimilarityThreshold"/>): for each judged query, the similarity of every
/// document's best passage; the threshold (0.10 to 0.90 by 0.01) with the best F1 of "similarity ≥ t
/// ⇒ judged relevant" over the even-numbered queries (in file order) is chosen, and its precision,
/// recall and F1 on the odd-numbered ones (held out) are reported.
/// </summary>
public static class ThresholdCalibration
{
    public static ThresholdCalibrationResult Calibrate(
        string dataset,
        IReadOnlyList<EvalQuery> queries,
        Func<int, IReadOnlyList<(string Id, float Score)>> similarities,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> qrels)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(similarities);
        ArgumentNullException.ThrowIfNull(qrels);
        var scored = queries.Select((q, i) => (Index: i, Relevant: qrels[q.Id].Where(r => r.Value > 0).Select(r => r.Key).ToHashSet(StringComparer.Ordinal), Scores: similarities(i)))
            .Where(q => q.Relevant.Count > 0).ToList();
        var train = scored.Where(q => q.Index % 2 == 0).ToList();
        var heldOut = scored.Where(q => q.Index % 2 == 1).ToList();

        ThresholdQuality Quality(double t, IReadOnlyList<(int Index, HashSet<string> Relevant, IReadOnlyList<(string Id, float Score)> Scores)> set)
        {
            long tp = 0, fp = 0, fn = 0;
            foreach (var (_, relevant, scores) in set)
            {
                var above = scores.Where(s => s.Score >= t).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
                var hits = above.Count(relevant.Contains);
                tp += hits;
                fp += above.Count - hits;
                fn += relevant.Count - hits;
            }

            var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
            var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            return new ThresholdQuality(t, precision, recall, f1, set.Count);
        }

        var best = Enumerable.Range(10, 81).Select(i => Quality(i / 100.0, train)).MaxBy(q => q.F1)!;
        return new ThresholdCalibrationResult(dataset, best, Quality(best.Threshold, heldOut));
    }
}
