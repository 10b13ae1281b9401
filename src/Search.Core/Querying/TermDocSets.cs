using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace Search.Core.Querying;

/// <summary>
/// The documents of frequent terms as bit sets, per segment core (a search engine's filter cache, for the
/// terms themselves): counting the matches of a disjunction reads every posting of every leaf, and the
/// common words of a query ("cells", "patients", "security") have postings as long as a sizeable part of
/// the collection and come back in query after query. A term is kept when it is in at least
/// <see cref="MinShare"/> of a segment's documents, so that its bit set is no larger than a few times its
/// postings; deleted documents are not taken out (the caller applies live documents and filters). Bounded
/// by <see cref="MaxBytes"/>, and emptied when full.
/// </summary>
public static class TermDocSets
{
    /// <summary>Bytes of bit sets held at most.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>The least share of a segment's documents a term must be in to be kept.</summary>
    public const double MinShare = 1.0 / 64;

    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<(string Field, BytesRef Term), FixedBitSet>> Cache = new();
    private static long _bytes;

    /// <summary>
    /// The documents of the term <paramref name="termsEnum"/> is positioned on, in field <paramref name="field"/>
    /// of <paramref name="reader"/>, deletions included; null when the term is too rare to keep.
    /// </summary>
    public static FixedBitSet? Of(AtomicReader reader, string field, TermsEnum termsEnum)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(termsEnum);
        if (termsEnum.DocFreq < reader.MaxDoc * MinShare || reader.MaxDoc < 1024)
        {
            return null;
        }

        var segment = Cache.GetValue(reader.CoreCacheKey, _ => new ConcurrentDictionary<(string, BytesRef), FixedBitSet>());
        var key = (field, termsEnum.Term);
        if (segment.TryGetValue(key, out var known))
        {
            return known;
        }

        var bits = new FixedBitSet(reader.MaxDoc);
        var docs = termsEnum.Docs(null, null, DocsFlags.NONE);
        for (var doc = docs.NextDoc(); doc != Lucene.Net.Search.DocIdSetIterator.NO_MORE_DOCS; doc = docs.NextDoc())
        {
            bits.Set(doc);
        }

        var size = (long)bits.GetBits().Length * sizeof(long);
        if (Interlocked.Add(ref _bytes, size) > MaxBytes)
        {
            foreach (var (_, sets) in Cache)
            {
                sets.Clear();
            }

            Interlocked.Exchange(ref _bytes, size);
        }

        segment[(field, BytesRef.DeepCopyOf(termsEnum.Term))] = bits;
        return bits;
    }
}
