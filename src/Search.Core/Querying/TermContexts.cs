using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Search.Core.Querying;

/// <summary>
/// Where each term is in each segment (Lucene's <see cref="TermContext"/>), looked up once per reader:
/// a term query seeks its term in the dictionary of every segment before it scores, about 7 µs a seek
/// here, and a query of ten words over seven fields in seven segments is about 500 seeks. The words
/// users type recur from query to query. Kept per reader (a new commit has new segments), bounded by
/// <see cref="MaxTerms"/> and emptied when full.
/// </summary>
public static class TermContexts
{
    /// <summary>Terms held at most per reader.</summary>
    public const int MaxTerms = 100_000;

    private static readonly ConditionalWeakTable<IndexReaderContext, ConcurrentDictionary<Term, TermContext>> Cache = new();

    /// <summary>The context of <paramref name="term"/> in <paramref name="searcher"/>'s reader.</summary>
    public static TermContext Of(IndexSearcher searcher, Term term)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        ArgumentNullException.ThrowIfNull(term);
        return Of(searcher.TopReaderContext, term);
    }

    /// <summary>The context of <paramref name="term"/> in the reader of <paramref name="top"/> (a reader's <see cref="IndexReader.Context"/>).</summary>
    public static TermContext Of(IndexReaderContext top, Term term)
    {
        ArgumentNullException.ThrowIfNull(top);
        ArgumentNullException.ThrowIfNull(term);
        var terms = Cache.GetValue(top, _ => new ConcurrentDictionary<Term, TermContext>());
        if (terms.TryGetValue(term, out var known))
        {
            return known;
        }

        if (terms.Count >= MaxTerms)
        {
            terms.Clear();
        }

        var context = TermContext.Build(top, term);
        terms[term] = context;
        return context;
    }
}
