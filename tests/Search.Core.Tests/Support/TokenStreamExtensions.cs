using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Search.Core.Tests.Support;

/// <summary>Consumes a token stream the way Lucene requires (Reset, IncrementToken, End, Dispose).</summary>
internal static class TokenStreamExtensions
{
    public static List<string> Tokens(this Analyzer analyzer, string text, string field = "body")
    {
        var tokens = new List<string>();
        using var stream = analyzer.GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add(term.ToString());
        }

        stream.End();
        return tokens;
    }
}
