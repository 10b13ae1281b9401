using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Search.Core.Indexing;

namespace Search.Core.Querying;

/// <summary>A matching document: its id, global Lucene doc number and score.</summary>
public readonly record struct MatchedDocument(string Id, int Doc, float Score);

/// <summary>Collects every matching document with its id (from doc values) and score.</summary>
public sealed class DocumentCollector : ICollector
{
    private readonly List<MatchedDocument> _matches = [];
    private SortedDocValues? _ids;
    private Scorer? _scorer;
    private int _docBase;
    private readonly BytesRef _term = new();

    public IReadOnlyList<MatchedDocument> Matches => _matches;

    /// <summary>In order: Lucene's in-order disjunction scorer is the faster one for users' OR queries (see <see cref="FacetCounter.AcceptsDocsOutOfOrder"/>).</summary>
    public bool AcceptsDocsOutOfOrder => false;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ids = context.AtomicReader.GetSortedDocValues(IndexFields.IdValue);
        _docBase = context.DocBase;
    }

    public void Collect(int doc)
    {
        if (_ids is null)
        {
            return;
        }

        _ids.Get(doc, _term);
        _matches.Add(new MatchedDocument(_term.Utf8ToString(), _docBase + doc, _scorer?.GetScore() ?? 0));
    }

    /// <summary>All documents matching <paramref name="query"/>, best first; stops when <paramref name="cancellationToken"/> fires.</summary>
    public static List<MatchedDocument> Collect(IndexSearcher searcher, Query query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        var collector = new DocumentCollector();
        searcher.Search(query, new BudgetCollector(collector, cancellationToken));
        return collector._matches.OrderByDescending(m => m.Score).ThenBy(m => m.Doc).ToList();
    }
}

/// <summary>The documents matching a query as flags by Lucene doc number: no id or score per document.</summary>
public static class DocumentSet
{
    /// <summary>
    /// The bits, by doc number, of the documents matching <paramref name="query"/>; stops when
    /// <paramref name="cancellationToken"/> fires. (Bits, not flags: at 100,000 documents a flag array
    /// would be 100 KB in the large-object heap for each filtered search.)
    /// </summary>
    public static FixedBitSet Of(IndexSearcher searcher, Query query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        var flags = new FixedBitSet(searcher.IndexReader.MaxDoc);
        searcher.Search(query, new BudgetCollector(new Flagger(flags), cancellationToken));
        return flags;
    }

    private sealed class Flagger(FixedBitSet flags) : ICollector
    {
        private int _docBase;

        public bool AcceptsDocsOutOfOrder => true;

        public void SetScorer(Scorer scorer)
        {
        }

        public void SetNextReader(AtomicReaderContext context) => _docBase = context.DocBase;

        public void Collect(int doc) => flags.Set(_docBase + doc);
    }
}
