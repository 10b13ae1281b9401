using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Querying;

/// <summary>What a query may cost: every hostile query is refused before Lucene expands or compiles it, naming the limit.</summary>
public sealed class QueryLimitsTests : IDisposable
{
    private readonly TestIndex _index = new();

    public QueryLimitsTests()
    {
        _index.Add("SG17-C0001.txt", TestIndex.Txt("SG17-C0001", "2022-2024", "15/17", "29 August 2023", "Quantum key distribution", "Key management for quantum key distribution networks and trusted nodes."));
        _index.Ingest();
    }

    public void Dispose() => _index.Dispose();

    private static string Terms(int count, string suffix) =>
        string.Join(' ', Enumerable.Range(0, count).Select(i => $"{(char)('a' + (i / 26 % 26))}{(char)('a' + (i % 26))}{suffix}"));

    // Regular expressions (the text between the slashes) and the limit each is over; null: accepted.
    [Theory]
    [InlineData(".{1,100000}", "MaxRegexRepeat")]
    [InlineData(".{1,60000}", "MaxRegexRepeat")]
    [InlineData("a{99999999999999999999}", "MaxRegexRepeat")]
    [InlineData("(a+)+b", "MaxRegexRepeat")]
    [InlineData("(x+x+)+y", "MaxRegexRepeat")]
    [InlineData("(.*){10}", "MaxRegexRepeat")]
    [InlineData(".*a.{20}", "MaxRegexStates")]
    [InlineData(".*a.{14}", "MaxRegexStates")]
    [InlineData(".{1,50}x.{1,50}y.{1,50}", "MaxRegexStates")]
    [InlineData("(a|b)*a(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)", "MaxRegexStates")]
    [InlineData("quantum", null)]
    [InlineData("[a-z]+ing", null)]
    [InlineData("qu.{1,50}", null)]
    [InlineData("colou?r", null)]
    [InlineData("(key|keys) management", null)]
    [InlineData("[^0-9]{2,5}", null)]
    public void Regex_OverALimit_IsRefusedNamingIt(string regex, string? limit)
    {
        if (limit is null)
        {
            RegexGuard.CheckRegex(regex, QueryLimits.Default);
            return;
        }

        var ex = Assert.Throws<QueryLimitException>(() => RegexGuard.CheckRegex(regex, QueryLimits.Default));
        Assert.Equal(limit, ex.Limit);
    }

    [Fact]
    public void LongRegex_IsRefusedBeforeItIsParsed()
    {
        var ex = Assert.Throws<QueryLimitException>(() => UserQueryParser.Parse("/" + new string('a', 101) + "/"));
        Assert.Equal("MaxRegexLength", ex.Limit);
    }

    [Theory]
    [InlineData("/a|/")]
    [InlineData("/[z-a]/")]
    [InlineData("/a{3,1}/")]
    [InlineData("/(ab/")]
    public void InvalidRegex_IsAParseError(string query) =>
        Assert.Throws<QueryParseException>(() => UserQueryParser.Parse(query));

    [Fact]
    public void Wildcard_WithAnExponentialAutomaton_IsRefused()
    {
        var ex = Assert.Throws<QueryLimitException>(() => UserQueryParser.Parse("a*b?????????????????"));
        Assert.Equal("MaxRegexStates", ex.Limit);
        Assert.NotNull(UserQueryParser.Parse("qua?tum* te?t"));
    }

    [Theory]
    [InlineData(250, "*", "MaxWildcardTerms")]
    [InlineData(200, "~2", "MaxFuzzyTerms")]
    [InlineData(2000, "", "MaxClauses")]
    public void ManyExpandingTerms_AreRefused(int count, string suffix, string limit)
    {
        var ex = Assert.Throws<QueryLimitException>(() => UserQueryParser.Parse(Terms(count, suffix)));
        Assert.Equal(limit, ex.Limit);
    }

    [Fact]
    public void TermsUpToTheLimits_AreAccepted_OnceEachWhateverTheFieldsSearched()
    {
        Assert.NotNull(UserQueryParser.Parse(Terms(20, "*")));
        Assert.NotNull(UserQueryParser.Parse(Terms(10, "~2")));
        Assert.NotNull(UserQueryParser.Parse(Terms(1000, string.Empty)));
    }

    [Fact]
    public void DeepNesting_IsRefusedBeforeTheRecursiveParser()
    {
        var ex = Assert.Throws<QueryLimitException>(() => UserQueryParser.Parse(new string('(', 10_000) + "a" + new string(')', 10_000)));
        Assert.Equal("MaxQueryDepth", ex.Limit);
        Assert.NotNull(UserQueryParser.Parse(new string('(', 30) + "a" + new string(')', 30)));
    }

    [Fact]
    public void Search_OverTheFacetValueLimit_IsRefusedNamingTheFacet()
    {
        var values = Enumerable.Range(0, 1025).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var ex = Assert.Throws<InvalidSearchRequestException>(() => _index.Search.Search(new SearchRequest { Filters = new Dictionary<string, IReadOnlyList<string>> { ["sg"] = values } }));
        Assert.Equal("sg", ex.Field);
        Assert.Equal(1, _index.Search.Search(new SearchRequest { Filters = new Dictionary<string, IReadOnlyList<string>> { ["sg"] = values.Take(1024).ToList() } }).Total); // sg=17 among them
    }

    [Fact]
    public void Search_StopsWhenItsCallerGivesUp()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => _index.Search.Search(new SearchRequest { Query = "quantum", Mode = SearchMode.Bm25 }, cancelled.Token));
        Assert.Equal(1, _index.Search.Search(new SearchRequest { Query = "quant*", Mode = SearchMode.Bm25 }).Total);
    }

    [Fact]
    public void Budget_WhenSpent_IsALimitNamingTheSetting()
    {
        using var budget = new QueryBudget(TimeSpan.FromMilliseconds(1), CancellationToken.None);
        var ex = Assert.Throws<QueryLimitException>(() => budget.Run<int>(token =>
        {
            SpinWait.SpinUntil(() => token.IsCancellationRequested, TimeSpan.FromSeconds(30));
            token.ThrowIfCancellationRequested();
            return 0;
        }));
        Assert.Equal("QueryTimeoutSeconds", ex.Limit);
    }

    [Fact]
    public void IdLookUp_MatchesTheWholeId_NotANumberInsideIt()
    {
        Assert.Equal("SG17-C0001.txt", _index.Search.Resolve("SG17-C0001.txt"));
        Assert.Equal("SG17-C0001.txt", _index.Search.Resolve("SG17-C1"));
        Assert.Equal("SG17-C0001.txt", _index.Search.Resolve("sg17-c0001"));
        Assert.Null(_index.Search.Get("SG17-C0001.txt/../../etc/passwd"));
        Assert.Null(_index.Search.Get("x SG17-C1"));
    }
}
