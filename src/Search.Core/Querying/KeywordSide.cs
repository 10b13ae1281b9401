using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Search.Core.Indexing;

namespace Search.Core.Querying;

/// <summary>
/// The keyword side of a hybrid search: which documents the text query matches (one bit set per
/// segment, filtered, and when asked also with the date filter alone, for facet counts), and the
/// best of them by BM25 only as deep as a page needs. At 100,000 documents a claim matches about 70,000;
/// ranking them all with an id string each cost more than the rest of the search. A disjunction
/// (the words users type) is matched and ranked through <see cref="Disjunction"/> (bit sets, MaxScore);
/// any other query through Lucene's own scorers. Ties go to the lower document number, as in Lucene.
/// </summary>
internal sealed class KeywordSide
{
    private readonly IndexSearcher _searcher;
    private readonly Query _text;
    private readonly Query _filtered;
    private readonly Disjunction? _disjunction;
    private readonly FixedBitSet[] _matches;
    private readonly FixedBitSet[]? _unfiltered;
    private readonly int[] _bases;
    private ScoreDoc[] _top = [];
    private int _asked;
    private Weight? _weight;

    private KeywordSide(IndexSearcher searcher, Query text, Query filtered, Disjunction? disjunction, FixedBitSet[] matches, FixedBitSet[]? unfiltered)
    {
        _searcher = searcher;
        _text = text;
        _filtered = filtered;
        _disjunction = disjunction;
        _matches = matches;
        _unfiltered = unfiltered;
        _bases = searcher.IndexReader.Leaves.Select(l => l.DocBase).ToArray();
        Count = matches.Sum(m => m.Cardinality);
    }

    /// <summary>Documents the text query matches, filters and date filter applied.</summary>
    public int Count { get; }

    /// <summary>
    /// Matches <paramref name="text"/> over every segment. <paramref name="filtered"/> is the text query
    /// with the filters as Lucene runs it (used when the text query is not a disjunction);
    /// <paramref name="filters"/> and <paramref name="dateFilter"/> restrict the bit sets. With
    /// <paramref name="unfiltered"/>, the matches under the date filter alone are kept too.
    /// </summary>
    public static KeywordSide Build(IndexSearcher searcher, Query text, Query filtered, IReadOnlyCollection<Query> filters, Query? dateFilter, bool unfiltered, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        var disjunction = Disjunction.Of(searcher, text);
        var weight = disjunction is null ? searcher.CreateNormalizedWeight(text) : null;
        var leaves = searcher.IndexReader.Leaves;
        var matches = new FixedBitSet[leaves.Count];
        var before = unfiltered ? new FixedBitSet[leaves.Count] : null;
        for (var i = 0; i < leaves.Count; i++)
        {
            token.ThrowIfCancellationRequested();
            var context = leaves[i];
            var bits = disjunction?.Matches(context, context.AtomicReader.LiveDocs) ?? Iterate(weight!, context, token);
            if (dateFilter is not null)
            {
                SearchService.Restrict(bits, dateFilter, context);
            }

            if (before is not null)
            {
                before[i] = bits.Clone();
            }

            foreach (var filter in filters)
            {
                SearchService.Restrict(bits, filter, context);
            }

            matches[i] = bits;
        }

        return new KeywordSide(searcher, text, filtered, disjunction, matches, before);
    }

    private static FixedBitSet Iterate(Weight weight, AtomicReaderContext context, CancellationToken token)
    {
        var bits = new FixedBitSet(context.AtomicReader.MaxDoc);
        var scorer = weight.GetScorer(context, context.AtomicReader.LiveDocs);
        if (scorer is null)
        {
            return bits;
        }

        var seen = 0;
        for (var doc = scorer.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = scorer.NextDoc())
        {
            bits.Set(doc);
            if ((++seen & 0xFFF) == 0)
            {
                token.ThrowIfCancellationRequested();
            }
        }

        return bits;
    }

    /// <summary>Whether the text query matches document <paramref name="doc"/> (global number) under the filters.</summary>
    public bool Contains(int doc) => Get(_matches, doc);

    /// <summary>The matches of segment <paramref name="leaf"/>: under the filters, or under the date filter alone.</summary>
    public FixedBitSet Segment(int leaf, bool unfiltered) =>
        unfiltered ? (_unfiltered ?? throw new InvalidOperationException("built without the unfiltered matches"))[leaf] : _matches[leaf];

    private bool Get(FixedBitSet[] sets, int doc)
    {
        var leaf = Leaf(doc);
        return sets[leaf].Get(doc - _bases[leaf]);
    }

    private int Leaf(int doc)
    {
        var at = Array.BinarySearch(_bases, doc);
        return at >= 0 ? at : ~at - 1;
    }

    /// <summary>The best <paramref name="n"/> matches (fewer when fewer match), best first; ranked again only when asked for more than before.</summary>
    public IReadOnlyList<ScoreDoc> Top(int n, CancellationToken token)
    {
        n = Math.Min(n, Count);
        if (n <= _asked)
        {
            return _top.Length <= n ? _top : _top[..n];
        }

        if (_disjunction is not null)
        {
            var top = new TopK(n);
            var leaves = _searcher.IndexReader.Leaves;
            for (var i = 0; i < leaves.Count; i++)
            {
                if (_matches[i].Cardinality > 0)
                {
                    _disjunction.Rank(leaves[i], _matches[i], top, token);
                }
            }

            _top = top.Hits(0, n);
        }
        else
        {
            var collector = TopScoreDocCollector.Create(n, true);
            _searcher.Search(_filtered, new BudgetCollector(collector, token));
            _top = collector.GetTopDocs().ScoreDocs;
        }

        _asked = n;
        return _top;
    }

    /// <summary>The BM25 scores of matching documents (those ranked below what <see cref="Top"/> gave), with one scorer a segment.</summary>
    public Dictionary<int, float> ScoresOf(IEnumerable<int> docs)
    {
        ArgumentNullException.ThrowIfNull(docs);
        var scores = new Dictionary<int, float>();
        _weight ??= _searcher.CreateNormalizedWeight(_text);
        foreach (var group in docs.Distinct().Order().GroupBy(Leaf))
        {
            var context = _searcher.IndexReader.Leaves[group.Key];
            var scorer = _weight.GetScorer(context, null);
            foreach (var doc in group)
            {
                var local = doc - _bases[group.Key];
                var at = scorer is null ? DocIdSetIterator.NO_MORE_DOCS : scorer.DocID >= local ? scorer.DocID : scorer.Advance(local);
                scores[doc] = at == local ? scorer!.GetScore() : 0f;
            }
        }

        return scores;
    }

    /// <summary>A document's id, from doc values.</summary>
    public string IdOf(int doc)
    {
        var leaf = Leaf(doc);
        var values = _searcher.IndexReader.Leaves[leaf].AtomicReader.GetSortedDocValues(IndexFields.IdValue);
        if (values is null)
        {
            return string.Empty;
        }

        var term = new BytesRef();
        values.Get(doc - _bases[leaf], term);
        return term.Utf8ToString();
    }
}
