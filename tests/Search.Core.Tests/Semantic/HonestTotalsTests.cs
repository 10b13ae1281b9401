using Search.Core.Querying;
using Search.Core.Semantic;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Semantic;

/// <summary>Totals and facets of semantic and hybrid searches count the documents that match, with the real embedding model.</summary>
public sealed class HonestTotalsTests : IDisposable
{
    private readonly TestIndex _index = new(o => o.SemanticEnabled = true);

    public HonestTotalsTests()
    {
        _index.Add("SG11-C0001.txt", TestIndex.Txt("SG11-C0001", "2022-2024", "15/11", "10-19 May 2023", "Counterfeit ICT equipment",
            "Counterfeit ICT equipment with cloned IMEI values is detected by the equipment identity register and blocked by operators."));
        _index.Add("SG11-C0002.txt", TestIndex.Txt("SG11-C0002", "2025-2028", "15/11", "3-12 March 2025", "Fake mobile handsets",
            "Fake mobile handsets and copied phones are blocked from networks when their identity is cloned."));
        _index.Add("SG17-C0003.txt", TestIndex.Txt("SG17-C0003", "2022-2024", "15/17", "4-13 September 2023", "Quantum key distribution",
            "Quantum key distribution networks relay keys between trusted nodes; key management supplies the encryptors."));
        _index.Add("SG20-C0004.txt", TestIndex.Txt("SG20-C0004", "2025-2028", "6/20", "3-12 March 2025", "Smart city sensors",
            "Smart city sensor platforms must authenticate devices and protect residents' personal data; counterfeit sensors are a risk."));
        _index.Add("SG12-C0005.txt", TestIndex.Txt("SG12-C0005", "2025-2028", "14/12", "3-12 March 2025", "Video streaming quality",
            "Subjective tests of adaptive video streaming measure stalling and resolution switches."));
        _index.Add("SG2-C0006.txt", TestIndex.Txt("SG2-C0006", "2025-2028", "1/2", "3-12 March 2025", "Numbering resources",
            "Numbering resources for mobile networks are assigned by administrations. Editor: Benmoussa."));
        for (var i = 7; i <= 14; i++)
        {
            _index.Add($"SG13-C00{i:00}.txt", TestIndex.Txt($"SG13-C00{i:00}", "2025-2028", "16/13", "3-12 March 2025", $"Numbering plans for mobile networks part {i}",
                $"Numbering plans and numbering resources of mobile networks, part {i}: allocation of numbers by administrations."));
        }

        _index.IngestOnly();
        _index.Semantic.SyncAsync(null, CancellationToken.None).GetAwaiter().GetResult();
    }

    public void Dispose() => _index.Dispose();

    private SearchResponse Search(string query, SearchMode mode, int pageSize = 10) =>
        _index.Search.Search(new SearchRequest { Query = query, Mode = mode, PageSize = pageSize });

    [Theory]
    [InlineData(SearchMode.Semantic)]
    [InlineData(SearchMode.Hybrid)]
    public void MultiSelect_EachSelectedFacetCounts_WhatSelectingOnlyThatValueWouldTotal(SearchMode mode)
    {
        SearchResponse With(Dictionary<string, IReadOnlyList<string>> filters) =>
            _index.Search.Search(new SearchRequest { Query = "counterfeit phones", Mode = mode, Filters = filters });

        var response = With(new() { ["sg"] = ["SG11"], ["period"] = ["2025-2028"] });

        // Each value of a selected facet counts what the search would total with that value selected instead (the other facet's selection kept).
        foreach (var value in response.Facets["sg"])
        {
            Assert.Equal(With(new() { ["sg"] = [value.Value], ["period"] = ["2025-2028"] }).Total, value.Count);
        }

        foreach (var value in response.Facets["period"])
        {
            Assert.Equal(With(new() { ["sg"] = ["SG11"], ["period"] = [value.Value] }).Total, value.Count);
        }

        Assert.Contains(response.Facets["sg"], v => v.Value == "SG11" && v.Selected && v.Count == response.Total);
        Assert.True(response.Facets["sg"].Count(v => v.Count > 0) > 1, "the sg facet shows the groups one could add");
    }

    [Theory]
    [InlineData(SearchMode.Bm25)]
    [InlineData(SearchMode.Semantic)]
    [InlineData(SearchMode.Hybrid)]
    public void Nonsense_MatchesNothing_InEveryMode(SearchMode mode)
    {
        var response = Search("xyzzyplugh", mode);
        Assert.Equal(0, response.Total);
        Assert.True(response.NothingMatchedWell);
        Assert.All(response.Facets.Values.SelectMany(v => v), v => Assert.Equal(0, v.Count));
    }

    [Fact]
    public void HybridTotal_IsTheKeywordMatchesPlusTheDocumentsAboveTheThreshold_AndFacetsCountThem()
    {
        var keyword = Search("counterfeit", SearchMode.Bm25, pageSize: 100);
        var vector = _index.Semantic.Model.Embed(["counterfeit"], CancellationToken.None)[0];
        var keywordIds = keyword.Hits.Select(h => h.Id).ToHashSet();
        var aboveThreshold = _index.Semantic.Current.Search(vector, null, 100)
            .Count(s => s.Score >= SimilarityThreshold.Default && !keywordIds.Contains(s.DocumentId));

        var hybrid = Search("counterfeit", SearchMode.Hybrid, pageSize: 100);

        Assert.Equal(2, keyword.Total);
        Assert.Equal(keyword.Total + aboveThreshold, hybrid.Total);
        Assert.Equal(hybrid.Total, hybrid.Hits.Count);
        Assert.False(hybrid.NothingMatchedWell);
        foreach (var facet in new[] { "kind", "period", "format" })
        {
            Assert.Equal(hybrid.Total, hybrid.Facets[facet].Sum(v => v.Count));
        }

        Assert.Equal(hybrid.Hits.Count(h => h.Metadata.StudyPeriod == "2025-2028"), hybrid.Facets["period"].Single(v => v.Value == "2025-2028").Count);
        Assert.Equal(hybrid.Total, Search("counterfeit", SearchMode.Semantic, pageSize: 100).Total);
    }

    [Fact]
    public void OnlyKeywordMatchOfARareName_IsOnTheFirstHybridPage()
    {
        Assert.Equal(["SG2-C0006.txt"], Search("benmoussa", SearchMode.Bm25).Hits.Select(h => h.Id).ToList());
        var hybrid = Search("benmoussa numbering plans", SearchMode.Hybrid);
        Assert.Contains("SG2-C0006.txt", hybrid.Hits.Take(3).Select(h => h.Id));
        Assert.Contains("SG2-C0006.txt", Search("benmoussa", SearchMode.Hybrid).Hits.Take(3).Select(h => h.Id));
    }

    [Fact]
    public void Hits_SayWhyInPlainWords()
    {
        var hit = Search("counterfeit", SearchMode.Hybrid).Hits[0];
        Assert.Contains(hit.Why, w => w.StartsWith("matches 'counterfeit' in the title", StringComparison.Ordinal) && w.Contains("keyword rank", StringComparison.Ordinal));
        Assert.Contains(hit.Why, w => w.Contains("in meaning (similarity", StringComparison.Ordinal));

        var identifier = Search("Q15/11", SearchMode.Hybrid);
        Assert.Equal(Search("Q15/11", SearchMode.Bm25).Total, identifier.Total);
        Assert.Contains(identifier.Hits[0].Why, w => w == "exact identifier Q15/11");
    }

    [Fact]
    public void Typo_InHybridMode_FindsTheWordAndSuggestsIt()
    {
        var response = Search("quantm", SearchMode.Hybrid);
        Assert.Equal("SG17-C0003.txt", response.Hits[0].Id);
        Assert.Equal("quantum", response.DidYouMean);
        Assert.True(response.TypoMatches);
    }
}
