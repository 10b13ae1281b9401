using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Search.Core.Querying;

/// <summary>
/// Counts facet values over the matching documents by reading each segment's
/// <see cref="SortedSetDocValues"/> (Lucene.Net.Facet is not available here). Ordinals are
/// counted per segment and turned into strings when the segment is done.
/// </summary>
public sealed class FacetCounter : ICollector
{
    private readonly string[] _fields;
    private readonly Dictionary<string, Dictionary<string, int>> _counts = [];
    private readonly SortedSetDocValues?[] _values;
    private readonly int[][] _segmentCounts;

    public FacetCounter(IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = fields.ToArray();
        _values = new SortedSetDocValues?[_fields.Length];
        _segmentCounts = new int[_fields.Length][];
        foreach (var field in _fields)
        {
            _counts[field] = new Dictionary<string, int>(StringComparer.Ordinal);
        }
    }

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer)
    {
    }

    public void SetNextReader(AtomicReaderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Flush();
        for (var i = 0; i < _fields.Length; i++)
        {
            var dv = context.AtomicReader.GetSortedSetDocValues(_fields[i]);
            _values[i] = dv;
            _segmentCounts[i] = dv is null ? [] : new int[dv.ValueCount];
        }
    }

    public void Collect(int doc)
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            var dv = _values[i];
            if (dv is null)
            {
                continue;
            }

            dv.SetDocument(doc);
            long ord;
            while ((ord = dv.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS)
            {
                _segmentCounts[i][ord]++;
            }
        }
    }

    /// <summary>Counts the facets of a set of documents given by global doc number.</summary>
    public static IReadOnlyDictionary<string, Dictionary<string, int>> CountDocuments(IndexReader reader, IEnumerable<int> documents, IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(documents);
        var counter = new FacetCounter(fields);
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

        return counter.Counts();
    }

    /// <summary>Counts per field and value, once every segment has been collected.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, int>> Counts()
    {
        Flush();
        return _counts;
    }

    private void Flush()
    {
        var term = new BytesRef();
        for (var i = 0; i < _fields.Length; i++)
        {
            var dv = _values[i];
            if (dv is null)
            {
                continue;
            }

            var counts = _counts[_fields[i]];
            var segment = _segmentCounts[i];
            for (var ord = 0; ord < segment.Length; ord++)
            {
                if (segment[ord] > 0)
                {
                    dv.LookupOrd(ord, term);
                    var value = term.Utf8ToString();
                    counts[value] = counts.GetValueOrDefault(value) + segment[ord];
                }
            }

            _values[i] = null;
        }
    }
}
