using Search.Core.Semantic;

namespace Search.Core.Tests.Semantic;

public sealed class RankFusionTests
{
    private static readonly List<(string, float)> Keyword = [("a", 10f), ("b", 6f), ("c", 2f)];
    private static readonly List<(string, float)> Semantic = [("c", 0.9f), ("d", 0.7f), ("a", 0.5f)];

    [Fact]
    public void ReciprocalRankFusion_SumsOneOverSixtyPlusRank()
    {
        var fused = RankFusion.Fuse(Keyword, Semantic, FusionMethod.ReciprocalRank, 0.5).ToDictionary(f => f.DocumentId);

        Assert.Equal((1.0 / 61) + (1.0 / 63), fused["a"].Score, 12);
        Assert.Equal((1.0 / 63) + (1.0 / 61), fused["c"].Score, 12);
        Assert.Equal(1.0 / 62, fused["b"].Score, 12);
        Assert.Equal(1.0 / 62, fused["d"].Score, 12);
        Assert.Equal((1, 3), (fused["a"].KeywordRank, fused["a"].SemanticRank));
        Assert.Null(fused["d"].KeywordRank);
    }

    [Fact]
    public void NormalizedScores_AreMinMaxScaledAndWeighted()
    {
        var fused = RankFusion.Fuse(Keyword, Semantic, FusionMethod.NormalizedScores, 0.25);
        var byId = fused.ToDictionary(f => f.DocumentId);

        // keyword: a=1, b=0.5, c=0; semantic: c=1, d=0.5, a=0
        Assert.Equal(0.25, byId["a"].Score, 12);
        Assert.Equal(0.125, byId["b"].Score, 12);
        Assert.Equal(0.75, byId["c"].Score, 12);
        Assert.Equal(0.375, byId["d"].Score, 12);
        Assert.Equal(["c", "d", "a", "b"], fused.Select(f => f.DocumentId));
        Assert.Equal(10f, byId["a"].Keyword);
        Assert.Equal(0.5f, byId["a"].Semantic);
    }

    [Fact]
    public void OneSidedInput_StillRanks()
    {
        var fused = RankFusion.Fuse([], Semantic, FusionMethod.NormalizedScores, 0.5);
        Assert.Equal(["c", "d", "a"], fused.Select(f => f.DocumentId));
    }
}
