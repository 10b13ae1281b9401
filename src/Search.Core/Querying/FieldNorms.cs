using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace Search.Core.Querying;

/// <summary>
/// The shortest length of a field in a reader as BM25 sees it (decoded from the one-byte norms Lucene
/// keeps per document), worked out once per segment core: the bound on a term's score in
/// <see cref="Disjunction"/> depends on it.
/// </summary>
public static class FieldNorms
{
    private static readonly ConditionalWeakTable<object, System.Collections.Concurrent.ConcurrentDictionary<string, int>> Longest = new();

    /// <summary>The length of the shortest document in <paramref name="field"/> over every segment of <paramref name="reader"/>, or null when no segment has norms for it.</summary>
    public static float? ShortestLength(IndexReader reader, string field)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var best = -1;
        foreach (var leaf in reader.Leaves)
        {
            var segment = Longest.GetValue(leaf.AtomicReader.CoreCacheKey, _ => new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal));
            var longest = segment.GetOrAdd(field, f => LongestNorm(leaf.AtomicReader, f));
            best = Math.Max(best, longest);
        }

        if (best <= 0)
        {
            return null;
        }

        // BM25Similarity's decoding: the byte is boost / sqrt(length) in Lucene's 3-bit-mantissa float.
        var f = SmallSingle.Byte315ToSingle((byte)best);
        return 1f / (f * f);
    }

    /// <summary>The largest norm byte (shortest document) of <paramref name="field"/> in one segment, deleted documents included; -1 when it has none.</summary>
    private static int LongestNorm(AtomicReader reader, string field)
    {
        var norms = reader.GetNormValues(field);
        if (norms is null)
        {
            return -1;
        }

        var best = -1;
        for (var doc = 0; doc < reader.MaxDoc; doc++)
        {
            var b = (int)(norms.Get(doc) & 0xFF);
            if (b > best)
            {
                best = b;
            }
        }

        return best;
    }
}
