using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Querying;

/// <summary>Searches over five hand-made documents whose facets are known.</summary>
public sealed class SearchServiceTests : IDisposable
{
    private readonly TestIndex _index = new();

    public SearchServiceTests()
    {
        _index.Add("SG11-C0001.txt", TestIndex.Txt("SG11-C0001", "2022-2024", "15/11", "10-19 May 2023", "Counterfeit devices and IMEI checks",
            "Counterfeit devices harm consumers; operators check IMEI values against a blocklist. Study Group 17 is informed."));
        _index.Add("SG17-C0002.txt", TestIndex.Txt("SG17-C0002", "2022-2024", "15/17", "29 August - 8 September 2023", "Quantum key distribution security",
            "Quantum key distribution networks need key management. SG 13 leads Y.3803."));
        _index.Add("SG13-LS0003.txt", TestIndex.Txt("SG13-LS0003", "2017-2020", "16/13", "1-10 July 2020", "Liaison on QKD networks",
            "This liaison informs about quantum networks and asks for comments.", "LIAISON STATEMENT"));
        _index.Add("SG20-TD0004.txt", TestIndex.Txt("SG20-TD0004", "2025-2028", "6/20", "3-12 March 2025", "IoT device security",
            "Security of IoT devices and gateways, see X.1250 for identity. Counterfeit sensors are out of scope.", "TD"));
        _index.Add("SG17-C0005.txt", TestIndex.Txt("SG17-C0005", "2025-2028", "6/17", "8-17 April 2025", "Cybersecurity overview update",
            "Revision of X.1205 on cybersecurity; counterfeit devices are discussed in Q15/11."));
        var report = _index.Ingest();
        Assert.Equal(5, report.Added);
    }

    public void Dispose() => _index.Dispose();

    [Fact]
    public void QuestionIdentifier_MatchesExactly_NotASimilarQuestion()
    {
        Assert.Equal(["SG11-C0001.txt", "SG17-C0005.txt"], _index.Ids("Q15/11"));
        Assert.Equal(["SG17-C0002.txt"], _index.Ids("Q15/17"));
    }

    [Fact]
    public void RecommendationIdentifier_MatchesExactly()
    {
        Assert.Equal(["SG17-C0005.txt"], _index.Ids("X.1205"));
        Assert.Equal(["SG20-TD0004.txt"], _index.Ids("X.1250"));
        Assert.Equal(["SG17-C0005.txt", "SG20-TD0004.txt"], _index.Ids("X.12*")); // an explicit prefix may widen
        Assert.Equal(["SG20-TD0004.txt"], _index.Ids("X.1250~")); // but an identifier is never fuzzed
    }

    [Fact]
    public void StudyGroupForms_FindTheSameDocuments()
    {
        var sg17 = _index.Ids("SG17");
        Assert.Contains("SG11-C0001.txt", sg17); // says "Study Group 17"
        Assert.Equal(sg17, _index.Ids("SG 17"));
        Assert.Equal(sg17, _index.Ids("Study Group 17"));
        Assert.Equal(sg17, _index.Ids("\"Study Group 17\""));
        Assert.Contains("SG17-C0002.txt", _index.Ids("Study Group 13")); // says "SG 13"
    }

    [Fact]
    public void DocumentNumber_FindsTheDocumentByShortAndFullForm()
    {
        Assert.Equal(["SG13-LS0003.txt"], _index.Ids("SG13-LS3"));
        Assert.Equal(["SG13-LS0003.txt"], _index.Ids("LS3"));
        Assert.Equal(["SG13-LS0003.txt"], _index.Ids("number:SG13-LS0003"));
    }

    [Fact]
    public void FacetCounts_OverAllDocuments_MatchHandCount()
    {
        var facets = _index.Search.Facets();
        Dictionary<string, int> Counts(string facet) => facets[facet].ToDictionary(v => v.Value, v => v.Count);

        // Groups: own group, groups named in the text, groups of the Questions.
        Assert.Equal(new Dictionary<string, int> { ["SG11"] = 2, ["SG13"] = 2, ["SG17"] = 3, ["SG20"] = 1 }, Counts("sg"));
        Assert.Equal(new Dictionary<string, int> { ["Q15/11"] = 2, ["Q15/17"] = 1, ["Q16/13"] = 1, ["Q6/20"] = 1, ["Q6/17"] = 1 }, Counts("question"));
        Assert.Equal(new Dictionary<string, int> { ["contribution"] = 3, ["ls"] = 1, ["td"] = 1 }, Counts("kind"));
        Assert.Equal(new Dictionary<string, int> { ["2017-2020"] = 1, ["2022-2024"] = 2, ["2025-2028"] = 2 }, Counts("period"));
        Assert.Equal(new Dictionary<string, int> { ["2020"] = 1, ["2023"] = 2, ["2025"] = 2 }, Counts("year"));
        Assert.Equal(new Dictionary<string, int> { ["txt"] = 5 }, Counts("format"));
    }

    [Fact]
    public void MultiSelect_OrWithinFacet_AndAcrossFacets_CountsWithoutOwnSelection()
    {
        var response = _index.Search.Search(new SearchRequest
        {
            Filters = new Dictionary<string, IReadOnlyList<string>> { ["sg"] = ["11", "SG20"], ["period"] = ["2022-2024", "2025-2028"] },
        });

        // (SG11 or SG20) and (2022-2024 or 2025-2028): C0001 (SG11, 2022-2024), TD0004 (SG20, 2025-2028), C0005 (SG11 via Q15/11, 2025-2028)
        Assert.Equal(["SG11-C0001.txt", "SG17-C0005.txt", "SG20-TD0004.txt"], response.Hits.Select(h => h.Id).Order().ToList());

        // sg counts ignore the sg selection but apply the period one: the four documents of 2022-2024 and 2025-2028.
        var sg = response.Facets["sg"].ToDictionary(v => v.Value, v => (v.Count, v.Selected));
        Assert.Equal((2, true), sg["SG11"]);
        Assert.Equal((1, true), sg["SG20"]);
        Assert.Equal((3, false), sg["SG17"]);
        Assert.Equal((1, false), sg["SG13"]);

        // period counts ignore the period selection but apply the sg one: SG11 or SG20 documents in every period.
        var period = response.Facets["period"].ToDictionary(v => v.Value, v => v.Count);
        Assert.Equal(new Dictionary<string, int> { ["2022-2024"] = 1, ["2025-2028"] = 2 }, period);

        // Other facets count the result set itself.
        var kind = response.Facets["kind"].ToDictionary(v => v.Value, v => v.Count);
        Assert.Equal(new Dictionary<string, int> { ["contribution"] = 2, ["td"] = 1 }, kind);
    }

    [Fact]
    public void FacetCounting_NeverChangesTheHits_AndCountsOnlyTheFacetsAskedFor()
    {
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["sg"] = ["SG17", "SG11"], ["kind"] = ["contribution"] };
        var counted = _index.Search.Search(new SearchRequest { Query = "counterfeit quantum security", Filters = filters, Mode = SearchMode.Bm25 });
        var plain = _index.Search.Search(new SearchRequest { Query = "counterfeit quantum security", Filters = filters, Mode = SearchMode.Bm25, IncludeFacets = false });
        var some = _index.Search.Search(new SearchRequest { Query = "counterfeit quantum security", Filters = filters, Mode = SearchMode.Bm25, FacetFields = ["sg", "year"] });

        Assert.Equal(plain.Total, counted.Total);
        Assert.Equal(plain.Hits.Select(h => (h.Id, h.Score)), counted.Hits.Select(h => (h.Id, h.Score)));
        Assert.Equal(plain.Hits.Select(h => h.Id), some.Hits.Select(h => h.Id));
        Assert.Empty(plain.Facets);
        Assert.Equal(["sg", "year"], some.Facets.Keys);
        Assert.Equal(counted.Facets["sg"], some.Facets["sg"]);
        Assert.Equal(counted.Facets["year"], some.Facets["year"]);
    }

    [Fact]
    public void TextQueryAndFacetFilter_Combine()
    {
        var ids = _index.Ids("counterfeit", new() { ["sg"] = ["SG17"] });
        Assert.Equal(["SG11-C0001.txt", "SG17-C0005.txt"], ids);
    }

    [Fact]
    public void FieldQueries_UseFacetValuesAsUsersTypeThem()
    {
        Assert.Equal(["SG13-LS0003.txt"], _index.Ids("kind:liaison"));
        Assert.Equal(["SG13-LS0003.txt"], _index.Ids("kind:ls"));
        Assert.Equal(["SG11-C0001.txt", "SG17-C0005.txt"], _index.Ids("question:15/11"));
        Assert.Equal(["SG20-TD0004.txt"], _index.Ids("sg:20"));
        Assert.Equal(["SG17-C0002.txt"], _index.Ids("title:quantum"));
    }

    [Fact]
    public void BooleanOperatorsPrefixesAndPhrases_Work()
    {
        Assert.Equal(["SG11-C0001.txt", "SG17-C0005.txt"], _index.Ids("counterfeit AND NOT sensors"));
        Assert.Equal(["SG13-LS0003.txt", "SG17-C0002.txt"], _index.Ids("quant*"));
        Assert.Equal(["SG11-C0001.txt", "SG17-C0005.txt"], _index.Ids("\"counterfeit devices\""));
        Assert.Equal(["SG17-C0002.txt"], _index.Ids("quantum AND management"));
    }

    [Fact]
    public void Ranking_BoostsTitleMatches()
    {
        var hits = _index.Search.Search(new SearchRequest { Query = "counterfeit" }).Hits;
        Assert.Equal("SG11-C0001.txt", hits[0].Id);
        Assert.True(hits[0].Score > hits[1].Score);
    }

    [Fact]
    public void Snippet_HighlightsAMatchedPhraseAsAWhole()
    {
        var hit = _index.Search.Search(new SearchRequest { Query = "\"counterfeit devices\"" }).Hits.First(h => h.Id == "SG11-C0001.txt");
        Assert.Contains("<mark>Counterfeit devices</mark>", hit.Snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("<mark>Counterfeit</mark> <mark>devices</mark>", hit.Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public void DateRange_SortAndPaging()
    {
        var range = _index.Search.Search(new SearchRequest { From = new DateOnly(2023, 1, 1), To = new DateOnly(2024, 12, 31) });
        Assert.Equal(["SG11-C0001.txt", "SG17-C0002.txt"], range.Hits.Select(h => h.Id).Order().ToList());

        var newest = _index.Search.Search(new SearchRequest { Sort = SearchSort.DateDescending, PageSize = 2 });
        Assert.Equal(["SG17-C0005.txt", "SG20-TD0004.txt"], newest.Hits.Select(h => h.Id).ToList());
        Assert.Equal(5, newest.Total);

        var second = _index.Search.Search(new SearchRequest { Sort = SearchSort.DateDescending, PageSize = 2, Page = 2 });
        Assert.Equal(["SG17-C0002.txt", "SG11-C0001.txt"], second.Hits.Select(h => h.Id).ToList());

        var oldest = _index.Search.Search(new SearchRequest { Sort = SearchSort.DateAscending, PageSize = 1 });
        Assert.Equal("SG13-LS0003.txt", oldest.Hits[0].Id);
    }

    public static TheoryData<string, int, string> InvalidQueries => new()
    {
        { "counterfeit AND", 16, "ends too early" },
        { "quantum AND (key OR", 20, "ends too early" },
        { "\"counterfeit devices", 1, "quotation mark is not closed" },
        { "colour:red", 1, "unknown field 'colour'" },
        { "quantum title:key foo:bar", 19, "unknown field 'foo'" },
        { "*quantum", 1, "cannot start a term" },
    };

    [Theory]
    [MemberData(nameof(InvalidQueries))]
    public void InvalidQuery_ReportsThePositionInTheTypedText(string query, int position, string message)
    {
        var ex = Assert.Throws<QueryParseException>(() => _index.Search.Search(new SearchRequest { Query = query }));
        Assert.Equal(position, ex.Position);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"position {position}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestLimits_AreEnforced()
    {
        Assert.Throws<InvalidSearchRequestException>(() => _index.Search.Search(new SearchRequest { Query = new string('a', 1001) }));
        Assert.Throws<InvalidSearchRequestException>(() => _index.Search.Search(new SearchRequest { PageSize = 101 }));
        Assert.Throws<InvalidSearchRequestException>(() => _index.Search.Search(new SearchRequest { Page = 0 }));
        Assert.Throws<InvalidSearchRequestException>(() => _index.Search.Search(new SearchRequest { Filters = new Dictionary<string, IReadOnlyList<string>> { ["colour"] = ["red"] } }));
    }

    [Fact]
    public void Resolve_FindsDocumentsByIdNumberOrStem()
    {
        Assert.Equal("SG13-LS0003.txt", _index.Search.Resolve("SG13-LS0003.txt"));
        Assert.Equal("SG13-LS0003.txt", _index.Search.Resolve("SG13-LS3"));
        Assert.Equal("SG13-LS0003.txt", _index.Search.Resolve("SG13-LS0003"));
        Assert.Null(_index.Search.Resolve("SG99-C1"));
    }
}
