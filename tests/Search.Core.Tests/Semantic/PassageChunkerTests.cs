using Search.Core.Semantic;

namespace Search.Core.Tests.Semantic;

public sealed class PassageChunkerTests
{
    private static string Words(string word, int n) => string.Join(' ', Enumerable.Repeat(word, n)) + ".";

    [Fact]
    public void Paragraphs_AreGatheredUpToTheTarget_AndNeverPastTheMaximum()
    {
        var paragraphs = Enumerable.Range(0, 12).Select(i => Words("w" + i, 60)).ToList();
        var passages = PassageChunker.Chunk("Key relay", paragraphs);

        Assert.All(passages, p => Assert.InRange(p.Text.Split(' ').Length, 100, PassageChunker.MaxWords));
        Assert.All(passages, p => Assert.StartsWith("Key relay. ", p.Embedded, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, passages.Count), passages.Select(p => p.Index));
        Assert.Equal(12 * 60, passages.Sum(p => p.Text.Split(' ').Length));
    }

    [Fact]
    public void AVeryLongParagraph_IsCutAtSentences()
    {
        var sentences = string.Join(' ', Enumerable.Range(0, 20).Select(i => $"Sentence {i} has some words in it about networks and keys."));
        var passages = PassageChunker.Chunk(null, [sentences]);

        Assert.True(passages.Count >= 1);
        Assert.All(passages, p => Assert.True(p.Text.Split(' ').Length <= PassageChunker.MaxWords));
        Assert.All(passages, p => Assert.EndsWith(".", p.Text, StringComparison.Ordinal));
        Assert.Equal(passages[0].Text, passages[0].Embedded);
    }
}
