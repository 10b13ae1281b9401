using Lucene.Net.Analysis.TokenAttributes;
using Search.Core.Indexing;
using Search.Core.Tests.Corpus;

namespace Search.Core.Tests.Indexing;

/// <summary>
/// The tokenizer's shortcut for plain words (letters only, straight into the term) gives the very
/// tokens of the general path: term, offsets, position, type and keyword flag, at index and at query
/// time, on every text of the bundled corpus and on the edge cases of the shortcut.
/// </summary>
public sealed class ItuTokenizerTests
{
    public static TheoryData<string> EdgeCases => new()
    {
        "plain words, punctuation; and (brackets).",
        "SG 17 and sg17, Study Group 13, study  group 2, Question 15/11, Questions 2/13 and Question x",
        "SG's study's ITU's O'Brien rock’n’roll don't 's '' ’",
        "Q15/11 q.2/13 X.1205 Y.Sup70 x.sec-qkdkm SG17-LS269 SG13-TD329-R1/WP3 C869 TD3240 WTSA-20 G.709/Y.1331",
        "naïve café Größe δοκιμή тест 東京 e\u0301 \U0001D400bc",
        "a b c SG Study Question Questions SGs Studying",
        "word-word word_word word.word word/word word/ /word 12 1/2 A.",
        "",
        "   \t\n ",
    };

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void PlainWordShortcut_GivesTheTokensOfTheGeneralPath(string text)
    {
        foreach (var stack in new[] { true, false })
        {
            Assert.Equal(Tokens(text, stack, plainWords: false), Tokens(text, stack, plainWords: true));
        }
    }

    [Fact]
    public void PlainWordShortcut_GivesTheTokensOfTheGeneralPath_OnTheBundledCorpus()
    {
        foreach (var (file, text) in CorpusFiles.Texts)
        {
            foreach (var stack in new[] { true, false })
            {
                Assert.True(Tokens(text.FullText, stack, plainWords: false).SequenceEqual(Tokens(text.FullText, stack, plainWords: true)), $"{file} (stackShortForms: {stack})");
            }
        }

        Assert.NotEmpty(CorpusFiles.Texts);
    }

    private static List<(string Term, int Start, int End, int Increment, string Type, bool Keyword)> Tokens(string text, bool stack, bool plainWords)
    {
        var tokens = new List<(string, int, int, int, string, bool)>();
        using var tokenizer = new ItuTokenizer(new StringReader(text), stack, plainWords);
        var term = tokenizer.AddAttribute<ICharTermAttribute>();
        var offset = tokenizer.AddAttribute<IOffsetAttribute>();
        var position = tokenizer.AddAttribute<IPositionIncrementAttribute>();
        var type = tokenizer.AddAttribute<ITypeAttribute>();
        var keyword = tokenizer.AddAttribute<IKeywordAttribute>();
        tokenizer.Reset();
        while (tokenizer.IncrementToken())
        {
            tokens.Add((term.ToString(), offset.StartOffset, offset.EndOffset, position.PositionIncrement, type.Type, keyword.IsKeyword));
        }

        tokenizer.End();
        tokens.Add(("<end>", offset.StartOffset, offset.EndOffset, 0, string.Empty, false));
        return tokens;
    }
}
