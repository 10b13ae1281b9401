using Search.Core.Analysis;
using Search.Core.Semantic;

namespace Search.Core.Tests.Analysis;

public sealed class PairScoreTests
{
    /// <summary>A store of 4-dimensional passage vectors, in order, each with its document.</summary>
    private static VectorStore Store(params (string Doc, float[] Vector)[] passages) =>
        new("m", 4, passages.Select((p, i) => new PassageEntry(p.Doc, "h", i, $"{p.Doc}{i}")).ToList(), passages.SelectMany(p => p.Vector).ToArray());

    private static readonly float[] X = [1, 0, 0, 0];
    private static readonly float[] Y = [0, 1, 0, 0];
    private static readonly float[] Z = [0, 0, 1, 0];

    [Fact]
    public void Coverage_RewardsDocumentsThatAgreePassageByPassage_NotOnlyInOnePassage()
    {
        // a: X Y; b: X Y (every passage has a twin); c: X Z (one twin only).
        var store = Store(("a", X), ("a", Y), ("b", X), ("b", Y), ("c", X), ("c", Z));

        var ab = PairScore.Of(store, [0, 1], [2, 3], centroid: 0.5);
        var ac = PairScore.Of(store, [0, 1], [4, 5], centroid: 0.5);

        Assert.Equal(1.0, ab.Coverage, 5);
        Assert.Equal(0.5, ac.Coverage, 5);
        Assert.Equal(1.0, ac.Passage, 5); // the best pair is as good in both
        Assert.True(ab.Score > ac.Score);
        Assert.Equal((((0.5 + 1.0) / 2) + 1.0) / 2, ab.Score, 5);
    }

    [Fact]
    public void BestPassagePair_IsTheEvidence()
    {
        var store = Store(("a", Y), ("a", Z), ("b", X), ("b", [0, 0, 0.8f, 0.6f]));

        var score = PairScore.Of(store, [0, 1], [2, 3], centroid: 0);

        Assert.Equal((1, 3), (score.PassageA, score.PassageB));
        Assert.Equal(0.8, score.Passage, 5);
    }

    [Fact]
    public void DocumentsWithoutPassages_AreRefused()
    {
        var store = Store(("a", X));
        Assert.Throws<ArgumentException>(() => PairScore.Of(store, [0], [], 0));
    }
}
