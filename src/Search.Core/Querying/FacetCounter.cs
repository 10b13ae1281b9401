using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Search.Core.Querying;

/// <summary>
/// Counts facet values over matching documents in one pass, from the per-segment ordinal arrays of
/// <see cref="FacetOrdinals"/> (Lucene.Net.Facet is not available here).
/// <para>
/// With selections (multi-select facets: OR within a facet, AND across facets) the counter is given
/// the matches of the query <em>without</em> the selections, and sorts each document itself: one
/// that passes every selection is a hit (passed on to the hits collector, counted in every facet);
/// one that fails exactly one selection is counted in that facet only, which gives each selected facet
/// its counts under every filter but its own, without a second search. One that fails two is skipped.
/// </para>
/// </summary>
public sealed class FacetCounter : ICollector
{
    private readonly string[] _fields;
    private readonly Dictionary<string, Dictionary<string, int>> _counts = new(StringComparer.Ordinal);
    private readonly ICollector? _hits;

    // Per segment: the counted fields' arrays and counts.
    private readonly SegmentFacetField?[] _segment;
    private readonly int[][] _segmentCounts;

    // Per segment: the selections' arrays and which of their ordinals are selected.
    private readonly string[] _selectionFields;
    private readonly IReadOnlySet<string>[] _selectionValues;
    private readonly int[] _countedAs;
    private readonly SegmentFacetField?[] _selection;
    private readonly bool[][] _selected;

    /// <summary>A counter of <paramref name="fields"/>; with <paramref name="selections"/> (field → selected values, indexed form), a multi-select filter ahead of <paramref name="hits"/>.</summary>
    public FacetCounter(IEnumerable<string> fields, IReadOnlyDictionary<string, IReadOnlySet<string>>? selections = null, ICollector? hits = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = fields.Distinct().ToArray();
        _hits = hits;
        _segment = new SegmentFacetField?[_fields.Length];
        _segmentCounts = new int[_fields.Length][];
        foreach (var field in _fields)
        {
            _counts[field] = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        var chosen = (selections ?? new Dictionary<string, IReadOnlySet<string>>()).Where(s => s.Value.Count > 0).ToList();
        _selectionFields = chosen.Select(s => s.Key).ToArray();
        _selectionValues = chosen.Select(s => s.Value).ToArray();
        _countedAs = _selectionFields.Select(f => Array.IndexOf(_fields, f)).ToArray();
        _selection = new SegmentFacetField?[_selectionFields.Length];
        _selected = new bool[_selectionFields.Length][];
    }

    /// <summary>Documents that passed every selection (all collected documents when there is none).</summary>
    public int TotalHits { get; private set; }

    /// <summary>
    /// In order unless the hits collector takes any order: for the OR queries users type, Lucene's
    /// in-order disjunction scorer visits the matches faster than its out-of-order bucket scorer
    /// (measured: 21 ms against 63 ms p50 for the kit's queries at 100k documents).
    /// </summary>
    public bool AcceptsDocsOutOfOrder => _hits?.AcceptsDocsOutOfOrder ?? false;

    public void SetScorer(Scorer scorer) => _hits?.SetScorer(scorer);

    public void SetNextReader(AtomicReaderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Flush();
        var reader = context.AtomicReader;
        for (var i = 0; i < _fields.Length; i++)
        {
            var field = FacetOrdinals.Of(reader, _fields[i]);
            _segment[i] = field;
            _segmentCounts[i] = field is null ? [] : new int[field.Values.Length];
        }

        for (var j = 0; j < _selectionFields.Length; j++)
        {
            var field = FacetOrdinals.Of(reader, _selectionFields[j]);
            _selection[j] = field;
            var selected = new bool[field?.Values.Length ?? 0];
            if (field is not null)
            {
                foreach (var value in _selectionValues[j])
                {
                    var ord = field.OrdinalOf(value);
                    if (ord >= 0)
                    {
                        selected[ord] = true;
                    }
                }
            }

            _selected[j] = selected;
        }

        _hits?.SetNextReader(context);
    }

    public void Collect(int doc)
    {
        var failed = -1;
        for (var j = 0; j < _selection.Length; j++)
        {
            if (!Passes(j, doc))
            {
                if (failed >= 0)
                {
                    return; // fails two selections: counted nowhere
                }

                failed = j;
            }
        }

        if (failed < 0)
        {
            TotalHits++;
            _hits?.Collect(doc);
            for (var i = 0; i < _fields.Length; i++)
            {
                Count(i, doc);
            }
        }
        else if (_countedAs[failed] >= 0)
        {
            Count(_countedAs[failed], doc);
        }
    }

    /// <summary>Collects every document set in <paramref name="docs"/> (of the current segment), in order.</summary>
    public void CollectAll(Lucene.Net.Util.FixedBitSet docs)
    {
        ArgumentNullException.ThrowIfNull(docs);
        var words = docs.GetBits();
        var length = Math.Min(words.Length, (docs.Length + 63) >> 6);
        for (var w = 0; w < length; w++)
        {
            var word = (ulong)words[w];
            while (word != 0)
            {
                var doc = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                if (_selection.Length == 0)
                {
                    // No selection: every document is a hit, counted in every facet.
                    TotalHits++;
                    _hits?.Collect(doc);
                    for (var i = 0; i < _segment.Length; i++)
                    {
                        Count(i, doc);
                    }
                }
                else
                {
                    Collect(doc);
                }
            }
        }
    }

    private bool Passes(int selection, int doc)
    {
        var field = _selection[selection];
        if (field is null)
        {
            return false;
        }

        var selected = _selected[selection];
        var ordinals = field.Ordinals;
        for (int k = field.Starts[doc], end = field.Starts[doc + 1]; k < end; k++)
        {
            if (selected[ordinals[k]])
            {
                return true;
            }
        }

        return false;
    }

    private void Count(int i, int doc)
    {
        var field = _segment[i];
        if (field is null)
        {
            return;
        }

        var counts = _segmentCounts[i];
        var ordinals = field.Ordinals;
        for (int k = field.Starts[doc], end = field.Starts[doc + 1]; k < end; k++)
        {
            counts[ordinals[k]]++;
        }
    }

    /// <summary>Counts the facets of a set of documents given by global doc number.</summary>
    public static IReadOnlyDictionary<string, Dictionary<string, int>> CountDocuments(IndexReader reader, IEnumerable<int> documents, IEnumerable<string> fields) =>
        CountDocuments(reader, documents, fields, null).Counts;

    /// <summary>Counts the facets of a set of documents given by global doc number, with multi-select <paramref name="selections"/>; also gives the documents that pass every selection, in the order given.</summary>
    public static (IReadOnlyDictionary<string, Dictionary<string, int>> Counts, IReadOnlySet<int> Hits) CountDocuments(
        IndexReader reader, IEnumerable<int> documents, IEnumerable<string> fields, IReadOnlyDictionary<string, IReadOnlySet<string>>? selections)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(documents);
        var hits = new DocumentSet();
        var counter = new FacetCounter(fields, selections, hits);
        var sorted = documents.Order().ToList();
        var next = 0;
        foreach (var leaf in reader.Leaves)
        {
            counter.SetNextReader(leaf);
            var end = leaf.DocBase + leaf.AtomicReader.MaxDoc;
            while (next < sorted.Count && sorted[next] < end)
            {
                counter.Collect(sorted[next] - leaf.DocBase);
                next++;
            }
        }

        return (counter.Counts(), hits.Documents);
    }

    /// <summary>Counts per field and value, once every segment has been collected.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, int>> Counts()
    {
        Flush();
        return _counts;
    }

    private void Flush()
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            var field = _segment[i];
            if (field is null)
            {
                continue;
            }

            var counts = _counts[_fields[i]];
            var segment = _segmentCounts[i];
            for (var ord = 0; ord < segment.Length; ord++)
            {
                if (segment[ord] > 0)
                {
                    var value = field.Values[ord];
                    counts[value] = counts.GetValueOrDefault(value) + segment[ord];
                }
            }

            _segment[i] = null;
        }
    }

    /// <summary>Global doc numbers of the documents collected.</summary>
    private sealed class DocumentSet : ICollector
    {
        private int _docBase;

        public HashSet<int> Documents { get; } = [];

        public bool AcceptsDocsOutOfOrder => true;

        public void SetScorer(Scorer scorer)
        {
        }

        public void SetNextReader(AtomicReaderContext context) => _docBase = context.DocBase;

        public void Collect(int doc) => Documents.Add(_docBase + doc);
    }
}
