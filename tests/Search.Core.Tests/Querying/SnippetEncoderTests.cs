using Lucene.Net.Search.Highlight;
using Search.Core.Querying;

namespace Search.Core.Tests.Querying;

/// <summary>The snippets' HTML encoder gives what Lucene's does, and gives a piece with nothing to encode back as it is.</summary>
public sealed class SnippetEncoderTests
{
    [Theory]
    [InlineData("")]
    [InlineData("plain words, digits 12 and Q15/11; X.1205")]
    [InlineData("plain words, digits 12 and X.1205; nothing to encode")]
    [InlineData("a < b & c > d \"quoted\" 'single'")]
    [InlineData("en dash – and é, ü, 中文")]
    [InlineData("an emoji 😀 and a lone surrogate \ud800 end")]
    [InlineData("tab\tnew\nline\u0001control")]
    public void EncodesAsLucenesEncoder(string text)
    {
        var expected = new SimpleHTMLEncoder().EncodeText(text);
        var actual = new Snippets.HtmlEncoder().EncodeText(text);
        Assert.Equal(expected, actual);
        if (expected == text)
        {
            Assert.Same(text, actual);
        }
    }
}
