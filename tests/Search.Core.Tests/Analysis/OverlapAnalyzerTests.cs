using Search.Core.Analysis;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Analysis;

/// <summary>Overlap analysis on a real index with real embeddings: two subjects, each studied by two groups, plus unrelated work.</summary>
public sealed class OverlapAnalyzerTests : IDisposable
{
    private readonly TestIndex _index = new(o => o.SemanticEnabled = true);

    public OverlapAnalyzerTests()
    {
        _index.Add("SG13-C0001.txt", TestIndex.Txt("SG13-C0001", "2022-2024", "16/13", "17-28 July 2023", "Key relay through trusted nodes in QKD networks",
            "The key management agent relays keys hop by hop through trusted nodes of the quantum key distribution network, as Y.3803 describes. We propose that each relay hop be logged.\n\nKey supply to cryptographic applications uses the key supply agent."));
        _index.Add("SG17-C0002.txt", TestIndex.Txt("SG17-C0002", "2022-2024", "15/17", "29 August - 8 September 2023", "Security of hop-by-hop key relay in quantum key distribution networks",
            "Keys relayed hop by hop through trusted nodes of a quantum key distribution network are exposed at every node; Y.3803 key management needs authentication of each relay hop.\n\nWe propose security requirements for the key management agent and the key supply agent."));
        _index.Add("SG11-C0003.txt", TestIndex.Txt("SG11-C0003", "2022-2024", "15/11", "18-27 October 2023", "Blocking counterfeit handsets with duplicated IMEI",
            "Counterfeit handsets share duplicated IMEI values; equipment identity registers should block them. Q.5051 addresses stolen devices."));
        _index.Add("SG2-C0004.txt", TestIndex.Txt("SG2-C0004", "2022-2024", "1/2", "10-19 May 2023", "Integrity of IMEI allocations against cloned counterfeit phones",
            "Cloned IMEI values on counterfeit phones undermine the allocation of device identifiers; registers of stolen phones must detect duplicates. See Q.5051."));
        _index.Add("SG12-C0005.txt", TestIndex.Txt("SG12-C0005", "2025-2028", "14/12", "3-12 March 2025", "Video streaming quality",
            "Subjective tests of adaptive video streaming measure stalling and resolution switches."));
        _index.Add("SG13-C0006.txt", TestIndex.Txt("SG13-C0006", "2022-2024", "16/13", "17-28 July 2023", "QKD network control plane",
            "A second SG13 document on quantum key distribution network control, key relay and trusted nodes, by the same group."));
        _index.Ingest();
        _index.Semantic.SyncAsync(null, CancellationToken.None).GetAwaiter().GetResult();
    }

    public void Dispose() => _index.Dispose();

    private OverlapReport Analyze(string? topic = null, double min = 0.3) =>
        new OverlapAnalyzer(_index.Store, _index.Semantic).Analyze(topic, min, 20);

    [Fact]
    public void PlantedCrossGroupPairs_RankFirst_WithEvidence()
    {
        var report = Analyze();
        var top2 = report.Pairs.Take(2).Select(p => string.Join('+', new[] { p.First.Id, p.Second.Id }.Order())).Order().ToList();

        Assert.Equal(["SG11-C0003.txt+SG2-C0004.txt", "SG13-C0001.txt+SG17-C0002.txt"], top2);
        var qkd = report.Pairs.First(p => p.First.Id == "SG13-C0001.txt" || p.Second.Id == "SG13-C0001.txt");
        Assert.Contains("Y.3803", qkd.SharedReferences);
        Assert.Contains("relay", string.Join(' ', qkd.SharedTerms), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(qkd.FirstPassage));
        Assert.False(string.IsNullOrEmpty(qkd.SecondPassage));
        Assert.InRange(qkd.Score, 0.3, 1.0);
    }

    [Fact]
    public void PairsAreAlwaysAcrossStudyGroups_AndFormClusters()
    {
        var report = Analyze();

        Assert.All(report.Pairs, p => Assert.NotEqual(p.First.Group, p.Second.Group));
        Assert.DoesNotContain(report.Pairs, p => new[] { p.First.Id, p.Second.Id }.Order().SequenceEqual(["SG13-C0001.txt", "SG13-C0006.txt"]));
        Assert.All(report.Pairs, p => Assert.Contains(report.Clusters, c => c.Id == p.Cluster && c.Pairs.Contains(p.Rank)));
        var qkdCluster = report.Clusters.Single(c => c.Documents.Any(d => d.Id == "SG17-C0002.txt"));
        Assert.Contains("SG13", qkdCluster.Groups);
        Assert.Contains("SG17", qkdCluster.Groups);
    }

    [Fact]
    public void MinimumSimilarity_Filters_AndActivityCountsGroupsPerTopic()
    {
        var strict = Analyze(min: 0.99);
        Assert.Empty(strict.Pairs);
        Assert.Equal(6, strict.Documents);
        Assert.Equal(["SG2", "SG11", "SG12", "SG13", "SG17"], strict.Groups);
    }

    [Fact]
    public void WithoutVectors_TheAnalysisSaysWhy()
    {
        using var fresh = new TestIndex(o => o.SemanticEnabled = true);
        fresh.Add("a.txt", TestIndex.Txt("SG2-C1", "2022-2024", "1/2", "10-19 May 2023", "x", "y"));
        fresh.IngestOnly();
        var ex = Assert.Throws<OverlapUnavailableException>(() => new OverlapAnalyzer(fresh.Store, fresh.Semantic).Analyze(null, 0.5, 10));
        Assert.Contains("not ready", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentCallers_ShareOneComputation_AndLaterCallersGetItFromMemory()
    {
        using var analyzer = new OverlapAnalyzer(_index.Store, _index.Semantic);
        var reports = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => analyzer.AnalyzeAsync(null, 0.3, 20, CancellationToken.None)));
        Assert.All(reports, r => Assert.Same(reports[0], r));
        Assert.Same(reports[0], await analyzer.AnalyzeAsync(null, 0.3, 20, CancellationToken.None));

        // Another parameter set, or another index generation, is another analysis.
        Assert.NotSame(reports[0], await analyzer.AnalyzeAsync(null, 0.5, 20, CancellationToken.None));
        _index.Add("SG20-C0007.txt", TestIndex.Txt("SG20-C0007", "2022-2024", "6/20", "3-12 March 2024", "Smart city sensors", "Sensors of a smart city platform."));
        _index.Ingest();
        await _index.Semantic.SyncAsync(null, CancellationToken.None);
        Assert.NotSame(reports[0], await analyzer.AnalyzeAsync(null, 0.3, 20, CancellationToken.None));
    }
}
