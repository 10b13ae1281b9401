using Search.Core.Indexing;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Indexing;

public sealed class ItuAnalyzerTests
{
    private static readonly ItuAnalyzer Query = new(stackShortForms: false);
    private static readonly ItuAnalyzer Index = new(stackShortForms: true);

    // Golden cases: text → tokens at query time.
    public static TheoryData<string, string[]> QueryCases => new()
    {
        { "Q15/11", ["q15/11"] },
        { "Question 15/11", ["q15/11"] },
        { "q15/11", ["q15/11"] },
        { "Q15/17", ["q15/17"] },
        { "X.1205 and X.1250", ["x.1205", "x.1250"] },
        { "x.1205", ["x.1205"] },
        { "Y.4500.1", ["y.4500.1"] },
        { "Y.Sup70", ["y.sup70"] },
        { "X.sec-qkdkm", ["x.sec-qkdkm"] },
        { "SG 17", ["sg17"] },
        { "SG17", ["sg17"] },
        { "Study Group 17", ["sg17"] },
        { "study group 17", ["sg17"] },
        { "SG17-LS269", ["sg17-ls269"] },
        { "SG13-TD329-R1/WP3", ["sg13-td329-r1/wp3"] },
        { "TD3240", ["td3240"] },
        { "C869 and C957", ["c869", "c957"] },
        { "TD0329", ["td329"] },
        { "WTSA-20", ["wtsa-20"] },
        { "counterfeit devices", ["counterfeit", "devic"] },
        { "the delegate's proposals", ["deleg", "propos"] },
        { "Securing IoT networks", ["secur", "iot", "network"] },
    };

    [Theory]
    [MemberData(nameof(QueryCases))]
    public void QueryAnalyzer_ProducesExpectedTokens(string text, string[] expected)
    {
        Assert.Equal(expected, Query.Tokens(text));
    }

    [Fact]
    public void IndexAnalyzer_StacksShortFormsOfFullDocumentNumbers()
    {
        Assert.Equal(["sg17-ls269", "ls269"], Index.Tokens("SG17-LS269"));
        Assert.Equal(["sg13-td329-r1/wp3", "sg13-td329", "td329-r1/wp3", "td329"], Index.Tokens("SG13-TD329-R1/WP3"));
    }

    [Fact]
    public void Identifiers_AreNeverStemmed()
    {
        // "X.1205s" is not an identifier form, but the identifier inside a sentence must come through unchanged.
        Assert.Contains("q15/11", Query.Tokens("Questions Q15/11 studies counterfeiting"));
        Assert.Contains("counterfeit", Query.Tokens("Questions Q15/11 studies counterfeiting"));
    }
}
