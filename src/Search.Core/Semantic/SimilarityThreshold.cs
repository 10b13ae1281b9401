namespace Search.Core.Semantic;

/// <summary>
/// The similarity (cosine of the query and a document's best passage, all-MiniLM-L6-v2) from which a
/// document counts as a match of a semantic or hybrid search when no keyword of the query matches it.
/// Calibrated by <c>search eval --dataset DIR --calibrate</c> on the judged queries of SciFact,
/// Cranfield and <c>corpus/eval</c>: the threshold that maximises F1 of "similarity ≥ t ⇒ judged
/// relevant" on the even-numbered queries, checked on the odd-numbered (held-out) ones: corpus/eval
/// 0.56, Cranfield 0.60, SciFact 0.67. The value below is the mean of the bundled corpus and Cranfield
/// (SciFact, claims against scientific abstracts, is furthest from ITU documents); see the README,
/// "How many results".
/// Recalibrate when the embedding model changes.
/// </summary>
public static class SimilarityThreshold
{
    /// <summary>The calibrated threshold for <see cref="MiniLmEmbeddingModel"/>'s model.</summary>
    public const float Default = 0.58f;
}
