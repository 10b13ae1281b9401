using System.Diagnostics;
using Search.Core.Semantic;

namespace Search.Core.Classification;

/// <summary>
/// Sentence embeddings of passages as extra topic features, through the index's one
/// <see cref="EmbeddingCache"/> (<see cref="SemanticIndex.Cache"/>), so that a passage is embedded
/// once across trainings, folds, runs and the semantic index (measured by
/// <c>search evaluate-topics --compare-embeddings</c>; used by the model with embeddings).
/// </summary>
public sealed class PassageEmbedder(IEmbeddingModel model, EmbeddingCache cache)
{
    private const int BatchSize = 16;

    public string ModelName => model.Name;

    public int Dimensions => model.Dimensions;

    /// <summary>The passages' vectors, rows following <paramref name="passages"/>; cached ones cost nothing, repeated ones are embedded once.</summary>
    public float[][] Embed(IReadOnlyList<string> passages, IProgress<EmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(passages);
        var distinct = passages.Distinct(StringComparer.Ordinal).ToList();
        var vectors = cache.EmbedAll(model, distinct, BatchSize, progress, cancellationToken);
        var byText = distinct.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => vectors[x.i], StringComparer.Ordinal);
        return passages.Select(p => byText[p]).ToArray();
    }

    /// <summary>How many of the passages are not in the cache yet.</summary>
    public int CountUncached(IEnumerable<string> passages)
    {
        ArgumentNullException.ThrowIfNull(passages);
        return passages.Distinct(StringComparer.Ordinal).Count(p => !cache.TryGet(EmbeddingCache.Key(model.Name, p), out _));
    }

    /// <summary>
    /// Wall time of embedding the passages with the model alone, in the cache's batches, bypassing the
    /// cache: what tagging a document costs when none of its passages was embedded before.
    /// </summary>
    public TimeSpan TimeUncached(IReadOnlyList<string> passages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(passages);
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < passages.Count; start += BatchSize)
        {
            model.Embed(passages.Skip(start).Take(BatchSize).ToList(), cancellationToken);
        }

        return clock.Elapsed;
    }
}
