using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Querying;

/// <summary>Typo tolerance, "did you mean" and search as you type over a keyword index.</summary>
public sealed class TypoToleranceTests : IDisposable
{
    private readonly TestIndex _index = new();

    public TypoToleranceTests()
    {
        _index.Add("SG11-C0001.txt", TestIndex.Txt("SG11-C0001", "2022-2024", "15/11", "10-19 May 2023", "Counterfeit devices and IMEI checks",
            "Counterfeit devices harm consumers; operators check IMEI values against a blocklist."));
        _index.Add("SG17-C0002.txt", TestIndex.Txt("SG17-C0002", "2022-2024", "15/17", "29 August - 8 September 2023", "Quantum key distribution security",
            "Quantum key distribution networks need key management."));
        _index.Add("SG13-LS0003.txt", TestIndex.Txt("SG13-LS0003", "2017-2020", "16/13", "1-10 July 2020", "Liaison on QKD networks",
            "This liaison informs about quantum networks and asks for comments.", "LIAISON STATEMENT"));
        _index.Add("SG20-TD0004.txt", TestIndex.Txt("SG20-TD0004", "2025-2028", "6/20", "3-12 March 2025", "IoT device security",
            "Security of IoT devices and gateways, see X.1250 for identity.", "TD"));
        _index.Ingest();
    }

    public void Dispose() => _index.Dispose();

    [Fact]
    public async Task LargeIndex_BuildsTheVocabularyInTheBackground_NoQueryWaitsForIt()
    {
        using var lease = _index.Store.Lease();
        var reader = lease.Searcher.IndexReader;

        // As if the index were over the limit: the first ask starts the build and answers at once.
        var first = Vocabulary.Ready(reader, inlineBuildLimit: 0);
        Vocabulary? ready = first;
        for (var i = 0; i < 200 && ready is null; i++)
        {
            await Task.Delay(25);
            ready = Vocabulary.Ready(reader, inlineBuildLimit: 0);
        }

        Assert.NotNull(ready);
        Assert.Same(Vocabulary.Of(reader), ready);
        Assert.True(ready.Frequency("quantum") > 0);
    }

    [Theory]
    [InlineData("quantm", "quantum", new[] { "SG13-LS0003.txt", "SG17-C0002.txt" })]
    [InlineData("counterfiet", "counterfeit", new[] { "SG11-C0001.txt" })]
    public void UnknownWord_FindsTheNearKnownWord_AndSuggestsIt(string typed, string corrected, string[] expected)
    {
        var response = _index.Search.Search(new SearchRequest { Query = typed + " ", Mode = SearchMode.Bm25 });

        Assert.Equal(expected, response.Hits.Select(h => h.Id).Order().ToArray());
        Assert.Equal(corrected, response.DidYouMean);
        Assert.True(response.TypoMatches);
        Assert.Contains(response.Hits[0].Why, w => w.Contains($"close to '{typed}'", StringComparison.Ordinal));
    }

    [Fact]
    public void KnownWords_AreNotCorrected()
    {
        var response = _index.Search.Search(new SearchRequest { Query = "quantum", Mode = SearchMode.Bm25 });
        Assert.Null(response.DidYouMean);
        Assert.False(response.TypoMatches);
        Assert.Equal(2, response.Total);
        Assert.Contains(response.Hits[0].Why, w => w.StartsWith("matches 'quantum' in the title", StringComparison.Ordinal));
    }

    [Fact]
    public void LastWordBeingTyped_MatchesTheWordsItStarts()
    {
        var response = _index.Search.Search(new SearchRequest { Query = "quan", Mode = SearchMode.Bm25 });
        Assert.Equal(["SG13-LS0003.txt", "SG17-C0002.txt"], response.Hits.Select(h => h.Id).Order().ToList());
        Assert.True(response.TypoMatches);
        Assert.Null(response.DidYouMean);
    }

    [Theory]
    [InlineData("Q15/17")]
    [InlineData("Q15/17~")]
    [InlineData("Q15/17~2")]
    public void QuestionIdentifier_IsNeverFuzzed(string query)
    {
        var ids = _index.Search.Search(new SearchRequest { Query = query, Mode = SearchMode.Bm25 }).Hits.Select(h => h.Id).ToList();
        Assert.Equal(["SG17-C0002.txt"], ids);
    }

    [Theory]
    [InlineData("X.1251")]
    [InlineData("TD3240")]
    public void OtherIdentifiers_AreNeverCorrected(string query)
    {
        var response = _index.Search.Search(new SearchRequest { Query = query, Mode = SearchMode.Bm25 });
        Assert.Equal(0, response.Total);
        Assert.Null(response.DidYouMean);
        Assert.False(response.TypoMatches);
    }

    [Fact]
    public void Nonsense_MatchesNothing_AndSaysSo()
    {
        var response = _index.Search.Search(new SearchRequest { Query = "xyzzyplugh", Mode = SearchMode.Bm25 });
        Assert.Equal(0, response.Total);
        Assert.Empty(response.Hits);
        Assert.True(response.NothingMatchedWell);
    }

    [Fact]
    public void Browse_ClaimsNoKeywordScore()
    {
        var response = _index.Search.Search(new SearchRequest { Filters = new Dictionary<string, IReadOnlyList<string>> { ["sg"] = ["SG17"] } });
        Assert.All(response.Hits, h =>
        {
            Assert.Null(h.Scores.Keyword);
            Assert.Equal(0, h.Score);
            Assert.Equal(["no query: listed because it matches the filters"], h.Why);
        });
    }

    [Fact]
    public void Snippets_ComeFromBodyText_NotTheHeaderOrContactBlock()
    {
        var hits = _index.Search.Search(new SearchRequest { Query = "example OR security OR quantum", Mode = SearchMode.Bm25 }).Hits;
        Assert.NotEmpty(hits);
        Assert.All(hits, h =>
        {
            Assert.DoesNotContain("@example.com", h.Snippet, StringComparison.Ordinal);
            Assert.DoesNotContain("Contact:", h.Snippet, StringComparison.Ordinal);
            Assert.DoesNotContain("Source:", h.Snippet, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Suggest_CompletesNumbersQuestionsAndTitles()
    {
        Assert.Contains(_index.Search.Suggest("SG13-LS").Suggestions, s => s is { Text: "SG13-LS3", Kind: "number", Id: "SG13-LS0003.txt" });
        Assert.Contains(_index.Search.Suggest("Q15/").Suggestions, s => s is { Text: "Q15/17", Kind: "question", Id: null });
        Assert.Contains(_index.Search.Suggest("quantum key").Suggestions, s => s is { Text: "Quantum key distribution security", Kind: "title" });
        Assert.Contains(_index.Search.Suggest("distribution  SEC").Suggestions, s => s is { Text: "Quantum key distribution security", Kind: "title" }); // from a later word of the title
        Assert.Contains(_index.Search.Suggest("security").Suggestions, s => s is { Text: "Quantum key distribution security", Kind: "title" });
        Assert.DoesNotContain(_index.Search.Suggest("key security").Suggestions, s => s is { Text: "Quantum key distribution security" });
        Assert.Contains(_index.Search.Suggest("quan").Suggestions, s => s is { Text: "quantum", Kind: "word" });
        Assert.Throws<InvalidSearchRequestException>(() => _index.Search.Suggest("q", 21));
    }
}
