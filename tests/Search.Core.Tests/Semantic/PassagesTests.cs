using Search.Core.Semantic;

namespace Search.Core.Tests.Semantic;

public sealed class PassagesTests
{
    private static string Words(string word, int n) => string.Join(' ', Enumerable.Repeat(word, n)) + ".";

    [Fact]
    public void TitleComesFirst_ThenOnePassagePerBlock_AndShortFragmentsAreLeftOut()
    {
        var passages = Passages.Cut("Key relay in QKD networks", ["Key relay moves keys between trusted nodes of the network.", "Page 3", "Keys are forwarded hop by hop with encryption."]);

        Assert.Equal(["Key relay in QKD networks", "Key relay moves keys between trusted nodes of the network.", "Keys are forwarded hop by hop with encryption."], passages.Select(p => p.Text));
        Assert.Equal([0, 1, 2], passages.Select(p => p.Index));
    }

    [Fact]
    public void ALongBlock_IsCutAtSentences_IntoWindowsOfAtMostMaxWords()
    {
        var sentences = string.Join(' ', Enumerable.Range(0, 20).Select(i => $"Sentence {i} has some words in it about networks and keys."));
        var passages = Passages.Cut(null, [sentences]);

        Assert.True(passages.Count >= 2);
        Assert.All(passages, p => Assert.InRange(p.Text.Split(' ').Length, Passages.MinWords, Passages.MaxWords));
        Assert.All(passages, p => Assert.EndsWith(".", p.Text, StringComparison.Ordinal));
        Assert.Equal(20 * 11, passages.Sum(p => p.Text.Split(' ').Length));
    }

    [Fact]
    public void ASentenceLongerThanAWindow_IsCutAtWords()
    {
        var passages = Passages.Cut(null, [Words("w", 200)]);

        Assert.Equal([90, 90, 20], passages.Select(p => p.Text.Split(' ').Length));
    }

    [Theory]
    [InlineData("Title:\tSecurity of quantum key distribution networks in practice", "Security of quantum key distribution networks in practice")]
    [InlineData("Abstract: This contribution proposes a new work item on key relay.", "This contribution proposes a new work item on key relay.")]
    [InlineData("Contact:\tA. Person, Example Administration, Tel: +41 22 000 0000", "")]
    [InlineData("Contact: A. Person, Example Administration, Tel: +41 22 000 0000", "")]
    [InlineData("INTERNATIONAL TELECOMMUNICATION UNION TELECOMMUNICATION STANDARDIZATION SECTOR", "")]
    [InlineData("Q15/11\tCounterfeit devices\tStudy of the identifiers used to combat counterfeiting", "Q15/11 Counterfeit devices Study of the identifiers used to combat counterfeiting")]
    public void HeaderFurniture_GivesNothing_AndLabelledContentGivesItsValue(string line, string expected)
    {
        Assert.Equal(expected, Passages.Content(line));
    }
}
