using System.Numerics.Tensors;
using Search.Core.Semantic;

namespace Search.Core.Analysis;

/// <summary>
/// How alike two documents are, from their passage embeddings, seen three ways:
/// <list type="bullet">
/// <item><see cref="Centroid"/>: the cosine of their (centred) passage centroids, the whole subject;</item>
/// <item><see cref="Coverage"/>: for each passage, its best match in the other document, averaged
/// both ways (a symmetric Chamfer similarity), so two documents that agree passage by passage score
/// higher than two that only share a theme;</item>
/// <item><see cref="Passage"/>: the single most similar passage pair, the strongest evidence.</item>
/// </list>
/// <see cref="Score"/> is the mean of the document view (centroid and coverage) and the passage view.
/// </summary>
public sealed record PairScore(double Centroid, double Coverage, double Passage, int PassageA, int PassageB)
{
    public double Score => (((Centroid + Coverage) / 2) + Passage) / 2;

    /// <summary>Scores two documents' passages (indexes into <paramref name="vectors"/>), given their centroid cosine.</summary>
    public static PairScore Of(VectorStore vectors, IReadOnlyList<int> a, IReadOnlyList<int> b, double centroid)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0)
        {
            throw new ArgumentException("both documents need passages");
        }

        var bestOfA = new float[a.Count];
        var bestOfB = new float[b.Count];
        Array.Fill(bestOfA, float.MinValue);
        Array.Fill(bestOfB, float.MinValue);
        var best = (Score: float.MinValue, A: a[0], B: b[0]);
        for (var i = 0; i < a.Count; i++)
        {
            var vi = vectors.Vector(a[i]);
            for (var j = 0; j < b.Count; j++)
            {
                var s = TensorPrimitives.Dot(vi, vectors.Vector(b[j]));
                bestOfA[i] = Math.Max(bestOfA[i], s);
                bestOfB[j] = Math.Max(bestOfB[j], s);
                if (s > best.Score)
                {
                    best = (s, a[i], b[j]);
                }
            }
        }

        var coverage = (bestOfA.Average() + bestOfB.Average()) / 2;
        return new PairScore(centroid, coverage, best.Score, best.A, best.B);
    }
}
