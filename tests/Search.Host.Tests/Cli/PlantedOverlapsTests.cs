using Search.Core.Analysis;
using Search.Host.Cli;

namespace Search.Host.Tests.Cli;

/// <summary>The scoring behind <c>search overlaps --evaluate</c>: a planted cluster is found when a reported pair has two of its documents from different groups.</summary>
public sealed class PlantedOverlapsTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    private static OverlapDocument Doc(string id) => new(id, id, "contribution", null, id.Split('-')[0], [], [], 2024);

    private static OverlapPair Pair(int rank, string a, string b) =>
        new(rank, Doc(a), Doc(b), 0.9, 0.9, 0.9, 0.9, "x", "y", [], [], false, rank);

    [Fact]
    public void ClustersFound_Precision_AndMissed_AreCountedFromTheTopPairs()
    {
        File.WriteAllLines(_file,
        [
            "cluster\tsubject\tgroups\tfiles",
            "alpha\tA\tSG11,SG17\tdocuments/SG11-C1.docx,documents/SG17-C2.txt,documents/SG17-C3.pdf",
            "beta\tB\tSG13,SG20\tdocuments/SG13-C4.docx,documents/SG20-C5.docx",
            "gamma\tC\tSG2,SG5\tdocuments/SG2-C6.docx,documents/SG5-C7.docx",
        ]);
        var pairs = new List<OverlapPair>
        {
            Pair(1, "SG17-C2.txt", "SG11-C1.docx"), // alpha, either order
            Pair(2, "SG11-C1.docx", "SG20-C5.docx"), // planted in no cluster
            Pair(3, "SG13-C4.docx", "SG20-C5.docx"), // beta
        };
        pairs.AddRange(Enumerable.Range(4, 20).Select(r => Pair(r, $"SG9-C{r}.docx", $"SG16-C{r}.docx")));
        pairs.Add(Pair(24, "SG2-C6.docx", "SG5-C7.docx")); // gamma, beyond the top 20
        pairs.Add(Pair(25, "SG9-C99.docx", "SG16-C99.docx"));
        var report = new OverlapReport(null, 0.5, 10, [], [], [], pairs, []);

        var score = PlantedOverlaps.Score(report, _file);

        Assert.Equal(3, score.PlantedClusters);
        Assert.Equal(2, score.ClustersFoundInTop20);
        Assert.Equal(["gamma"], score.MissedClusters);
        Assert.Equal(2 / 20.0, score.PrecisionAt20);
        Assert.Equal(2 + 1 + 1, score.PlantedPairs); // alpha: SG11 with each SG17 document; SG17-C2/SG17-C3 share a group
        Assert.Equal(new Dictionary<int, int> { [5] = 2, [10] = 2, [15] = 2, [20] = 2, [25] = 3 }, score.ClustersFoundInTop);
    }
}
