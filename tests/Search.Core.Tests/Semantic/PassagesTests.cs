using System.Text.RegularExpressions;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Semantic;
using Search.Core.Tests.Corpus;

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

    /// <summary>
    /// Words and sentence ends are found by scanning for single spaces instead of by regular expressions;
    /// the passages must be the very ones the expressions cut (vectors and topics are keyed to them): the
    /// bundled corpus, and lines with quotes, semicolons, parentheses and odd white space.
    /// </summary>
    [Fact]
    public void Cut_GivesThePassagesTheRegularExpressionsCut()
    {
        var long1 = string.Join(' ', Enumerable.Range(0, 40).Select(i => i % 3 == 0 ? $"“Quoted {i}” says it; (aside {i}) and more text here." : $"'{i}' stays; lower case {i} goes on.  Tab\there \"Q{i}\"!"));
        var long2 = string.Join(' ', Enumerable.Repeat("word", 250)) + ". Next A. b? C; (d) e! F";
        var lines = new List<IReadOnlyList<string>>
        {
            new[] { long1, long2, "Title:\t" + long1, "Contact:\tsomeone", "A; B. C! D? E (F) “G” \"H\" 'I' j. K" },
        };
        lines.AddRange(CorpusFiles.Texts.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => DocumentMapper.ContentLines(t.Value.FullText, t.Value.BoilerplateRanges)));

        var cut = 0;
        foreach (var document in lines)
        {
            var expected = RegexCut("A title", document);
            Assert.Equal(expected, Passages.Cut("A title", document).Select(p => p.Text));
            cut += expected.Count;
        }

        Assert.True(cut > 1000, $"only {cut} passages");
    }

    /// <summary>
    /// A line is made one-spaced only when it needs it, with the result of the expression \s+ → " "
    /// either way: on every line and title of the bundled corpus and on white space of every kind.
    /// </summary>
    [Fact]
    public void OneSpaced_IsTheExpressionsReplacement()
    {
        var space = new Regex(@"\s+", RegexOptions.CultureInvariant);
        var lines = new List<string> { "", " ", "a b", " a b ", "a  b", "a\tb", "a\u00A0b", "a \u2003b", "a\u2028", "a\r\nb", "a\u0085b", "\u200Bzero width", "end " };
        lines.AddRange(CorpusFiles.Texts.Values.SelectMany(t => t.FullText.Split('\n')));
        lines.AddRange(CorpusFiles.Texts.Values.SelectMany(t => t.Blocks.Select(b => b.Text)));
        foreach (var line in lines)
        {
            Assert.Equal(space.Replace(line, " "), WhiteSpace.OneSpaced(line));
        }
    }

    /// <summary>The cutting as the regular expressions did it (the reference for <see cref="Cut_GivesThePassagesTheRegularExpressionsCut"/>).</summary>
    private static List<string> RegexCut(string title, IEnumerable<string> lines)
    {
        var word = new Regex(@"\S+", RegexOptions.CultureInvariant);
        var sentenceEnd = new Regex(@"(?<=[.!?;])\s+(?=[A-Z(“""'])", RegexOptions.CultureInvariant);
        var texts = new List<string> { title };
        foreach (var line in lines)
        {
            var content = Passages.Content(line);
            var words = word.Count(content);
            if (words < Passages.MinWords || content == title)
            {
                continue;
            }

            if (words <= Passages.MaxWords)
            {
                texts.Add(content);
                continue;
            }

            var window = new List<string>();
            var count = 0;
            foreach (var sentence in sentenceEnd.Split(content))
            {
                var sentenceWords = word.Matches(sentence).Select(m => m.Value).ToList();
                if (count > 0 && count + sentenceWords.Count > Passages.MaxWords)
                {
                    texts.Add(string.Join(' ', window));
                    window.Clear();
                    count = 0;
                }

                while (sentenceWords.Count > Passages.MaxWords)
                {
                    texts.Add(string.Join(' ', sentenceWords.Take(Passages.MaxWords)));
                    sentenceWords.RemoveRange(0, Passages.MaxWords);
                }

                window.Add(string.Join(' ', sentenceWords));
                count += sentenceWords.Count;
            }

            if (count >= Passages.MinWords)
            {
                texts.Add(string.Join(' ', window));
            }
        }

        return texts;
    }
}
