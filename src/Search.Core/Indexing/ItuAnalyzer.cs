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
        TokenStream stream = new EnglishPossessiveFilter(Version, source);
        stream = new LowerCaseFilter(Version, stream);
        stream = new StopFilter(Version, stream, EnglishAnalyzer.DefaultStopSet);
        stream = new PorterStemFilter(stream);
        return new TokenStreamComponents(source, stream);
    }
}
