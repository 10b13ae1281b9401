using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace Search.Core.Querying;

/// <summary>
/// One facet field of one index segment as flat arrays: the value ordinals of document <c>d</c> are
/// <c>Ordinals[Starts[d] .. Starts[d + 1])</c>, and <c>Values[ord]</c> is the value. Counting a match
/// is then a few array reads, with no string and no doc-values iterator per document.
/// </summary>
public sealed class SegmentFacetField
{
    private Dictionary<string, int>? _ordinalOf;

    internal SegmentFacetField(int[] starts, int[] ordinals, string[] values)
    {
        Starts = starts;
        Ordinals = ordinals;
        Values = values;
    }

    /// <summary>Where each document's ordinals start in <see cref="Ordinals"/> (one entry per document, and one past the last).</summary>
    public int[] Starts { get; }

    /// <summary>Every document's value ordinals, one document after another.</summary>
    public int[] Ordinals { get; }

    /// <summary>The values by ordinal, in the segment's (byte) order.</summary>
    public string[] Values { get; }

    /// <summary>The ordinal of <paramref name="value"/> in this segment, or -1 when no document of the segment has it.</summary>
    public int OrdinalOf(string value)
    {
        var map = LazyInitializer.EnsureInitialized(ref _ordinalOf, () =>
        {
            var m = new Dictionary<string, int>(Values.Length, StringComparer.Ordinal);
            for (var i = 0; i < Values.Length; i++)
            {
                m[Values[i]] = i;
            }

            return m;
        });
        return map.TryGetValue(value, out var ord) ? ord : -1;
    }

    /// <summary>Bytes held by the arrays (the values' strings aside).</summary>
    public long Bytes => (Starts.Length + Ordinals.Length) * sizeof(int);
}

/// <summary>
/// The per-segment ordinal arrays of the facet fields, built from the segment's sorted-set doc values
/// the first time a segment is counted and kept for as long as the segment lives (keyed by its core,
/// which deletions do not change). A new commit only builds its new segments.
/// </summary>
public static class FacetOrdinals
{
    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<string, SegmentFacetField?>> Cache = new();

    /// <summary>The field's arrays for the segment, or null when no document of the segment has a value.</summary>
    public static SegmentFacetField? Of(AtomicReader reader, string field)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(field);
        var perSegment = Cache.GetValue(reader.CoreCacheKey, _ => new ConcurrentDictionary<string, SegmentFacetField?>(StringComparer.Ordinal));
        return perSegment.TryGetValue(field, out var known) ? known : perSegment.GetOrAdd(field, Build(reader, field));
    }

    private static SegmentFacetField? Build(AtomicReader reader, string field)
    {
        var dv = reader.GetSortedSetDocValues(field);
        if (dv is null || dv.ValueCount == 0)
        {
            return null;
        }

        var max = reader.MaxDoc;
        var starts = new int[max + 1];
        var ordinals = new int[Math.Max(16, max)];
        var n = 0;
        for (var doc = 0; doc < max; doc++)
        {
            starts[doc] = n;
            dv.SetDocument(doc);
            long ord;
            while ((ord = dv.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS)
            {
                if (n == ordinals.Length)
                {
                    Array.Resize(ref ordinals, ordinals.Length * 2);
                }

                ordinals[n++] = (int)ord;
            }
        }

        starts[max] = n;
        Array.Resize(ref ordinals, n);
        var values = new string[dv.ValueCount];
        var term = new BytesRef();
        for (var ord = 0; ord < values.Length; ord++)
        {
            dv.LookupOrd(ord, term);
            values[ord] = term.Utf8ToString();
        }

        return new SegmentFacetField(starts, ordinals, values);
    }
}
