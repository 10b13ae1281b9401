using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Util;

namespace Search.Core.Indexing;

/// <summary>
/// English prose analysis that keeps ITU identifiers whole:
/// <see cref="ItuTokenizer"/> → <see cref="EnglishPossessiveFilter"/> → <see cref="LowerCaseFilter"/>
/// → <see cref="StopFilter"/> (English stop words) → <see cref="PorterStemFilter"/>.
/// Identifiers carry the keyword flag, so the stemmer leaves them as they are.
/// </summary>
public sealed class ItuAnalyzer(bool stackShortForms) : Analyzer
{
    public static LuceneVersion Version => LuceneVersion.LUCENE_48;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new ItuTokenizer(reader, stackShortForms);
        return new TokenStreamComponents(source, Chain(source, null));
    }

    /// <summary>
    /// The filters after <paramref name="source"/>; <paramref name="afterLowerCase"/>, when given, is put
    /// between lower-casing and the stop words (the highlighter drops there what cannot be a query term).
    /// </summary>
    internal static TokenStream Chain(Tokenizer source, Func<TokenStream, TokenStream>? afterLowerCase)
    {
        TokenStream stream = new EnglishPossessiveFilter(Version, source);
        stream = new LowerCaseFilter(Version, stream);
        stream = afterLowerCase?.Invoke(stream) ?? stream;
        stream = new StopFilter(Version, stream, EnglishAnalyzer.DefaultStopSet);
        return new PorterStemFilter(stream);
    }
}
