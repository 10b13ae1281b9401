using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace Search.Core.Querying;

/// <summary>
/// The query most users type, a few words searched in several fields with BM25 and OR, taken apart into
/// its leaves (one term in one field, or a phrase) so that its top k can be found without scoring every
/// match, and its matches counted without scoring at all.
/// <para>
/// Ranking is MaxScore (Turtle and Flood, 1995): each leaf's BM25 score is below an upper bound known
/// before the search (the leaf's weight times k1 + 1 times the most its term-frequency saturation can
/// reach, <see cref="TermBound"/>).
/// Once the k-th best score so far is above the sum of the smallest bounds, documents that match only
/// those leaves cannot enter the top k: they are never visited, and for the other documents those leaves
/// are read only while the bounds still leave room. The scores are the ones Lucene gives the whole query
/// (BM25 has no coordination factor and no query norm, so a disjunction's score is the sum of its leaves'
/// scores), and the top k is the same as an exhaustive search's: a document is skipped only when its
/// score cannot beat the k-th best (ties go to the lower document number, as in Lucene).
/// </para>
/// <para>
/// Lucene.Net 4.8 has no block-max WAND or impacts (per-block score bounds stored in the index), so the
/// block bounds are worked out here from the postings, once per index generation: per block of
/// <see cref="DefaultBlockSize"/> documents, the most a frequent term's saturation reaches there
/// (<see cref="BlockSaturation"/>; the terms of searched fields in <see cref="DefaultBlockMinDocFreq"/>
/// documents or more are done in the background, <see cref="BlocksReady(IndexSearcher, IEnumerable{string})"/>).
/// Within a block, candidates come only from the leaves whose block bounds can still reach the k-th
/// best (block-max MaxScore), and a block where none can is skipped.
/// </para>
/// </summary>
public sealed class Disjunction
{
    /// <summary>Relative slack on each bound, for float rounding in Lucene's score sums.</summary>
    private const double Slack = 1e-5;

    /// <summary>Documents per block of the block bounds (<see cref="BlockSaturation"/>).</summary>
    public const int DefaultBlockSize = 128;

    /// <summary>Terms in fewer documents than this keep their one bound: their postings are short.</summary>
    public const int DefaultBlockMinDocFreq = 512;

    /// <summary>Block bounds kept per reader at most (a few hundred floats each); emptied when full.</summary>
    private const int MaxBlockTerms = 16_384;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IndexReaderContext, System.Collections.Concurrent.ConcurrentDictionary<(Term, int, int), float[]>> Blocks = new();

    private readonly Leaf[] _leaves; // ascending by bound
    private readonly IndexReaderContext _top;
    private readonly int _blockSize;
    private readonly int _blockMinDocFreq;

    private Disjunction(Leaf[] leaves, IndexReaderContext top, int blockSize, int blockMinDocFreq)
    {
        _leaves = leaves;
        _top = top;
        _blockSize = blockSize;
        _blockMinDocFreq = blockMinDocFreq;
    }

    /// <summary>
    /// The disjunction in <paramref name="query"/>, or null when the query is not one: a required or
    /// prohibited clause, a minimum to match, a similarity other than Lucene's BM25, or no leaf.
    /// Expanding queries (prefix, fuzzy) are rewritten first.
    /// </summary>
    /// <param name="blockSize">Documents per block of the block bounds; <paramref name="blockMinDocFreq"/>: the fewest documents a term needs to have them (tests use small ones).</param>
    public static Disjunction? Of(IndexSearcher searcher, Query query, int blockSize = DefaultBlockSize, int blockMinDocFreq = DefaultBlockMinDocFreq)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        ArgumentNullException.ThrowIfNull(query);
        if (searcher.Similarity is not BM25Similarity bm25 || bm25.GetType() != typeof(BM25Similarity) || !IsDisjunction(query))
        {
            return null;
        }

        // Terms the query names are looked up through the cache; the terms an expanding query (fuzzy,
        // prefix) is rewritten to keep the statistics their rewrite gave them.
        var named = new Dictionary<Term, TermContext>();
        var parts = new List<Query>();
        if (!Flatten(searcher.Rewrite(Bind(searcher, query, named)), 1f, parts) || parts.Count == 0)
        {
            return null;
        }

        var leaves = new List<Leaf>(parts.Count);
        foreach (var part in parts)
        {
            var weight = searcher.CreateNormalizedWeight(part);
            if (part is TermQuery term && named.TryGetValue(term.Term, out var contexts))
            {
                leaves.Add(new Leaf(weight, term.Term, contexts, TermBound(searcher, bm25, weight, contexts, term.Term.Field), Math.Sqrt(weight.GetValueForNormalization()) * (bm25.K1 + 1)));
            }
            else
            {
                leaves.Add(new Leaf(weight, null, null, Bound(part, weight, bm25.K1), 0));
            }
        }

        leaves.Sort((a, b) => a.Bound.CompareTo(b.Bound));
        return new Disjunction([.. leaves], searcher.TopReaderContext, Math.Max(1, blockSize), blockMinDocFreq);
    }

    /// <summary>
    /// Collects into <paramref name="top"/> the best documents of one segment among <paramref name="accept"/>
    /// (live documents that pass the filters; null: every document). Gives the number of documents
    /// scored in full (the rest were skipped as unable to enter).
    /// </summary>
    public int Rank(AtomicReaderContext context, IBits? accept, TopK top, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(top);
        var scorers = new List<Scorer>(_leaves.Length);
        var bounds = new List<double>(_leaves.Length);
        var saturations = new List<float[]?>(_leaves.Length);
        var units = new List<double>(_leaves.Length);
        foreach (var leaf in _leaves)
        {
            var scorer = leaf.Weight.GetScorer(context, accept);
            if (scorer is not null && scorer.NextDoc() != DocIdSetIterator.NO_MORE_DOCS)
            {
                scorers.Add(scorer);
                bounds.Add(leaf.Bound);
                saturations.Add(BlockSaturation(leaf, context));
                units.Add(leaf.Unit);
            }
        }

        var n = scorers.Count;
        var scored = 0;
        if (n == 0)
        {
            return scored;
        }

        // below[i]: the sum of the bounds of leaves 0..i-1 (the smaller ones).
        var below = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            below[i + 1] = below[i] + bounds[i];
        }

        var all = scorers.ToArray();
        var bound = bounds.ToArray();
        var threshold = top.Threshold;
        var essential = FirstEssential(below, threshold);
        var visited = 0;

        // Block bounds: in each block of documents, a term's score is below its weight times the most its
        // saturation reaches there, often far below its one bound. Within a block, the smaller leaves whose
        // block bounds add up to no more than the k-th best cannot make a hit alone: candidates come from the
        // others only, and a block where all of them together cannot is skipped whole.
        var sat = saturations.ToArray();
        var unit = units.ToArray();
        var blocked = sat.Any(x => x is not null);
        var blockSize = blocked ? _blockSize : int.MaxValue;
        var maxDoc = context.AtomicReader.MaxDoc;
        var blockBound = blocked ? new double[n] : bound;
        var smaller = blocked ? new double[n + 1] : below;
        var block = -1;
        var position = 0;
        while (essential < n && position < maxDoc)
        {
            if (blocked && position / blockSize != block)
            {
                block = position / blockSize;
                for (var i = 0; i < n; i++)
                {
                    blockBound[i] = sat[i] is { } s ? Math.Min(bound[i], (unit[i] * s[block] * (1 + Slack)) + 1e-6) : bound[i];
                    smaller[i + 1] = smaller[i] + blockBound[i];
                }
            }

            var blockEnd = blocked ? Math.Min(maxDoc, (block + 1) * blockSize) : maxDoc;
            if (smaller[n] <= threshold)
            {
                position = blockEnd; // no document of this block can enter
                continue;
            }

            var local = Math.Max(essential, FirstEssential(smaller, threshold));

            // The next candidate: the smallest document from here among the leaves that can still make a hit alone here.
            var doc = DocIdSetIterator.NO_MORE_DOCS;
            for (var i = local; i < n; i++)
            {
                var d = all[i].DocID;
                if (d < position)
                {
                    d = all[i].Advance(position);
                }

                if (d < doc)
                {
                    doc = d;
                }
            }

            if (doc >= blockEnd)
            {
                // Nothing here that could enter; the next block may have other leaves that can.
                position = doc == DocIdSetIterator.NO_MORE_DOCS && local == essential ? maxDoc : blockEnd;
                continue;
            }

            if ((++visited & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            position = doc + 1;

            // Before scoring: the bounds of the leaves on this document and of all smaller leaves.
            var possible = smaller[local];
            for (var i = local; i < n; i++)
            {
                if (all[i].DocID == doc)
                {
                    possible += blockBound[i];
                }
            }

            if (possible <= threshold)
            {
                continue;
            }

            double score = 0;
            for (var i = local; i < n; i++)
            {
                if (all[i].DocID == doc)
                {
                    score += all[i].GetScore();
                }
            }

            // The smaller leaves, largest bound first, only while they could still lift it over the k-th best.
            var competitive = true;
            for (var i = local - 1; i >= 0; i--)
            {
                if (score + smaller[i + 1] <= threshold)
                {
                    competitive = false;
                    break;
                }

                var scorer = all[i];
                var d = scorer.DocID;
                if (d < doc)
                {
                    d = scorer.Advance(doc);
                }

                if (d == doc)
                {
                    score += scorer.GetScore();
                }
            }

            if (competitive)
            {
                scored++;
            }

            if (competitive && top.Offer(context.DocBase + doc, (float)score))
            {
                threshold = top.Threshold;
                essential = FirstEssential(below, threshold);
            }
        }

        return scored;
    }

    /// <summary>
    /// The documents of one segment that match any leaf, among <paramref name="accept"/>. Terms are read
    /// from their postings without frequencies or positions, or for frequent terms from
    /// <see cref="TermDocSets"/>; other leaves through their scorers.
    /// </summary>
    public FixedBitSet Matches(AtomicReaderContext context, IBits? accept)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reader = context.AtomicReader;
        var matches = new FixedBitSet(reader.MaxDoc);
        var terms = new Dictionary<string, TermsEnum?>(StringComparer.Ordinal);
        DocsEnum? reuse = null;
        foreach (var leaf in _leaves)
        {
            if (leaf.Term is { } term)
            {
                // The term's state in this segment, from the lookup the weight already made: no second seek.
                var state = leaf.Contexts!.Get(context.Ord);
                if (state is null)
                {
                    continue;
                }

                if (!terms.TryGetValue(term.Field, out var termsEnum))
                {
                    termsEnum = reader.GetTerms(term.Field)?.GetEnumerator();
                    terms[term.Field] = termsEnum;
                }

                if (termsEnum is null)
                {
                    continue;
                }

                termsEnum.SeekExact(term.Bytes, state);
                if (TermDocSets.Of(reader, term.Field, termsEnum) is { } cached)
                {
                    matches.Or(cached);
                }
                else
                {
                    reuse = termsEnum.Docs(null, reuse, DocsFlags.NONE);
                    Or(matches, reuse);
                }
            }
            else if (leaf.Weight.GetScorer(context, null) is { } scorer)
            {
                Or(matches, scorer);
            }
        }

        Keep(matches, accept);
        return matches;
    }

    /// <summary>Clears from <paramref name="bits"/> the documents <paramref name="accept"/> (when not null) leaves out.</summary>
    private static void Keep(FixedBitSet bits, IBits? accept)
    {
        if (accept is null)
        {
            return;
        }

        if (accept is FixedBitSet fixedBits)
        {
            bits.And(fixedBits);
            return;
        }

        for (var doc = bits.NextSetBit(0); doc >= 0; doc = doc + 1 < bits.Length ? bits.NextSetBit(doc + 1) : -1)
        {
            if (!accept.Get(doc))
            {
                bits.Clear(doc);
            }
        }
    }

    private static void Or(FixedBitSet bits, DocIdSetIterator docs)
    {
        for (var doc = docs.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.NextDoc())
        {
            bits.Set(doc);
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IndexReaderContext, Task> Warming = new();

    /// <summary>
    /// Whether the block bounds of the frequent terms of <paramref name="searcher"/>'s generation are worked
    /// out. For a large index the first call starts that in the background (about a second at 100,000
    /// documents) and gives false; a query meanwhile works out the bounds of its own terms. A small index
    /// needs no warming: its postings are short.
    /// </summary>
    public static bool BlocksReady(IndexSearcher searcher, IEnumerable<string> fields) => BlocksReady(searcher, fields, Vocabulary.InlineBuildLimit);

    /// <summary><see cref="BlocksReady(IndexSearcher, IEnumerable{string})"/>, with no warming up to <paramref name="smallIndex"/> documents.</summary>
    public static bool BlocksReady(IndexSearcher searcher, IEnumerable<string> fields, int smallIndex)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        ArgumentNullException.ThrowIfNull(fields);
        if (searcher.IndexReader.MaxDoc <= smallIndex || searcher.Similarity is not BM25Similarity)
        {
            return true;
        }

        var names = fields.ToArray();
        return Warming.GetValue(searcher.TopReaderContext, _ => Task.Run(() =>
        {
            try
            {
                WarmBlocks(searcher, names);
            }
            catch (ObjectDisposedException)
            {
                // The generation was replaced meanwhile: the next one warms its own.
            }
        })).IsCompleted;
    }

    /// <summary>How many terms' block bounds are kept for <paramref name="searcher"/>'s generation.</summary>
    internal static int BlockBoundsKept(IndexSearcher searcher) => Blocks.TryGetValue(searcher.TopReaderContext, out var kept) ? kept.Count : 0;

    /// <summary>Works out the block bounds of every term of <paramref name="fields"/> in at least <see cref="DefaultBlockMinDocFreq"/> documents of a segment.</summary>
    private static void WarmBlocks(IndexSearcher searcher, string[] fields)
    {
        var bm25 = (BM25Similarity)searcher.Similarity;
        var warmer = new Disjunction([], searcher.TopReaderContext, DefaultBlockSize, DefaultBlockMinDocFreq);
        foreach (var field in fields)
        {
            foreach (var context in searcher.IndexReader.Leaves)
            {
                var terms = context.AtomicReader.GetTerms(field)?.GetEnumerator();
                var leaves = searcher.IndexReader.Leaves.Count;
                while (terms is not null && terms.MoveNext())
                {
                    // A term in the minimum of documents overall is in at least its share of them in some segment.
                    if ((long)terms.DocFreq * leaves < DefaultBlockMinDocFreq)
                    {
                        continue;
                    }

                    var term = new Term(field, BytesRef.DeepCopyOf(terms.Term));
                    var contexts = TermContexts.Of(searcher, term);
                    if (contexts.DocFreq < DefaultBlockMinDocFreq)
                    {
                        continue;
                    }

                    var weight = searcher.CreateNormalizedWeight(new TermQuery(term, contexts));
                    warmer.BlockSaturation(new Leaf(weight, term, contexts, 0, Math.Sqrt(weight.GetValueForNormalization()) * (bm25.K1 + 1)), context);
                }
            }
        }
    }

    /// <summary>
    /// For a term in at least the block minimum of documents: per block of documents of this segment, the
    /// most its score reaches divided by its <see cref="Leaf.Unit"/> (the term-frequency saturation,
    /// the same for every query over this reader). Worked out once per reader from the postings, with
    /// deleted documents (an upper bound still); null for other leaves.
    /// </summary>
    private float[]? BlockSaturation(Leaf leaf, AtomicReaderContext context)
    {
        if (leaf.Term is null || leaf.Contexts is null || leaf.Contexts.DocFreq < _blockMinDocFreq || leaf.Unit <= 0 || leaf.Contexts.Get(context.Ord) is null)
        {
            return null;
        }

        var cache = Blocks.GetValue(_top, _ => new());
        var key = (leaf.Term, context.Ord, _blockSize);
        if (cache.TryGetValue(key, out var known))
        {
            return known;
        }

        var scorer = leaf.Weight.GetScorer(context, null);
        if (scorer is null)
        {
            return null;
        }

        var maxima = new float[(context.AtomicReader.MaxDoc + _blockSize - 1) / _blockSize];
        for (var doc = scorer.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = scorer.NextDoc())
        {
            var score = scorer.GetScore();
            if (score > maxima[doc / _blockSize])
            {
                maxima[doc / _blockSize] = score;
            }
        }

        for (var b = 0; b < maxima.Length; b++)
        {
            maxima[b] = (float)(maxima[b] / leaf.Unit);
        }

        if (cache.Count >= MaxBlockTerms)
        {
            cache.Clear();
        }

        cache[key] = maxima;
        return maxima;
    }

    private static int FirstEssential(double[] below, float threshold)
    {
        // Leaves 0..e-1 are not essential when even all of them together cannot beat the threshold.
        var e = 0;
        while (e + 1 < below.Length && below[e + 1] <= threshold)
        {
            e++;
        }

        return e;
    }

    /// <summary>
    /// Whether <paramref name="query"/> is shaped as a disjunction before it is rewritten (so that a query
    /// Lucene will run itself costs no look-ups here); <see cref="Flatten"/> decides on the rewritten one.
    /// </summary>
    private static bool IsDisjunction(Query query) => query switch
    {
        BooleanQuery boolean => boolean.MinimumNumberShouldMatch == 0 && boolean.Clauses.All(c => c.Occur == Occur.SHOULD && IsDisjunction(c.Query)),
        MatchAllDocsQuery => false,
        _ => true,
    };

    /// <summary>The query with each term it names bound to its cached look-up (<see cref="TermContexts"/>), recorded in <paramref name="named"/>.</summary>
    private static Query Bind(IndexSearcher searcher, Query query, Dictionary<Term, TermContext> named)
    {
        switch (query)
        {
            case TermQuery term:
                var contexts = TermContexts.Of(searcher, term.Term);
                named[term.Term] = contexts;
                return new TermQuery(term.Term, contexts) { Boost = term.Boost };
            case BooleanQuery boolean:
                var bound = new BooleanQuery(boolean.CoordDisabled) { Boost = boolean.Boost, MinimumNumberShouldMatch = boolean.MinimumNumberShouldMatch };
                foreach (var clause in boolean.Clauses)
                {
                    bound.Add(Bind(searcher, clause.Query, named), clause.Occur);
                }

                return bound;
            default:
                return query;
        }
    }

    private static bool Flatten(Query query, float boost, List<Query> leaves)
    {
        switch (query)
        {
            case BooleanQuery boolean:
                if (boolean.MinimumNumberShouldMatch > 0)
                {
                    return false;
                }

                foreach (var clause in boolean.Clauses)
                {
                    if (clause.Occur != Occur.SHOULD || !Flatten(clause.Query, boost * boolean.Boost, leaves))
                    {
                        return false;
                    }
                }

                return true;
            case MatchAllDocsQuery:
                return false;
            default:
                var leaf = (Query)query.Clone();
                leaf.Boost = query.Boost * boost;
                leaves.Add(leaf);
                return true;
        }
    }

    /// <summary>
    /// A term's or phrase's BM25 score is its weight (idf × boost) × (k1 + 1) × f / (f + K) with K &gt; 0,
    /// so below weight × (k1 + 1); a constant score is its weight. Other leaves have no known bound and
    /// are always read.
    /// </summary>
    private static double Bound(Query leaf, Weight weight, float k1)
    {
        var w = Math.Sqrt(weight.GetValueForNormalization());
        return leaf switch
        {
            TermQuery or PhraseQuery => (w * (k1 + 1) * (1 + Slack)) + 1e-6,
            ConstantScoreQuery => (w * (1 + Slack)) + 1e-6,
            _ => double.PositiveInfinity,
        };
    }

    /// <summary>
    /// A term's bound, tighter than <see cref="Bound"/> when its frequencies allow: no document holds the
    /// term more often than its total frequency less one for each other document that holds it, and no
    /// document of the field is shorter than the shortest one the norms record (longest norm byte), so
    /// the term-frequency part f / (f + K) is at most that f over that f plus the smallest K.
    /// </summary>
    private static double TermBound(IndexSearcher searcher, BM25Similarity bm25, Weight weight, TermContext contexts, string field)
    {
        var loose = Math.Sqrt(weight.GetValueForNormalization()) * (bm25.K1 + 1);
        var maxFreq = contexts.TotalTermFreq - contexts.DocFreq + 1;
        var stats = searcher.CollectionStatistics(field);
        var shortest = FieldNorms.ShortestLength(searcher.IndexReader, field);
        if (contexts.TotalTermFreq <= 0 || contexts.DocFreq <= 0 || shortest is null || stats.SumTotalTermFreq <= 0)
        {
            return (loose * (1 + Slack)) + 1e-6;
        }

        var averageLength = (float)(stats.SumTotalTermFreq / (double)stats.MaxDoc);
        var k = bm25.K1 * ((1 - bm25.B) + (bm25.B * shortest.Value / averageLength));
        var saturation = maxFreq / (maxFreq + k);
        return (loose * Math.Min(1.0, saturation) * (1 + Slack)) + 1e-6;
    }

    /// <param name="Unit">For a term: its weight × (k1 + 1), the score a term-frequency saturation of 1 would give.</param>
    private sealed record Leaf(Weight Weight, Term? Term, TermContext? Contexts, double Bound, double Unit);
}

/// <summary>The k best (score, document) pairs, ordered as Lucene orders hits: score descending, then document ascending.</summary>
public sealed class TopK
{
    private readonly int _k;
    private readonly float[] _scores;
    private readonly int[] _docs;
    private int _count;

    public TopK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _k = k;
        _scores = new float[k];
        _docs = new int[k];
    }

    /// <summary>The score a document must beat to enter: the k-th best so far, or minus infinity until there are k.</summary>
    public float Threshold => _count < _k ? float.NegativeInfinity : _scores[0];

    /// <summary>
    /// Offers a document; documents must come in increasing order, so a tie with the k-th best stays out
    /// (the lower document number wins ties). True when it entered.
    /// </summary>
    public bool Offer(int doc, float score)
    {
        if (_count < _k)
        {
            _scores[_count] = score;
            _docs[_count] = doc;
            Up(_count++);
            return true;
        }

        if (!(score > _scores[0]))
        {
            return false;
        }

        _scores[0] = score;
        _docs[0] = doc;
        Down(0);
        return true;
    }

    /// <summary>The hits ranked <paramref name="start"/> to <paramref name="start"/> + <paramref name="howMany"/> - 1 (0-based).</summary>
    public ScoreDoc[] Hits(int start, int howMany)
    {
        var all = new ScoreDoc[_count];
        for (var i = 0; i < _count; i++)
        {
            all[i] = new ScoreDoc(_docs[i], _scores[i]);
        }

        Array.Sort(all, (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Doc.CompareTo(b.Doc));
        return all.Skip(start).Take(howMany).ToArray();
    }

    // Min-heap on (score, then larger doc first): the root is the hit that leaves first.
    private bool Less(int a, int b) => _scores[a] < _scores[b] || (_scores[a] == _scores[b] && _docs[a] > _docs[b]);

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_docs[a], _docs[b]) = (_docs[b], _docs[a]);
    }

    private void Up(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Less(i, parent))
            {
                return;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private void Down(int i)
    {
        while (true)
        {
            var l = (2 * i) + 1;
            var r = l + 1;
            var m = i;
            if (l < _count && Less(l, m))
            {
                m = l;
            }

            if (r < _count && Less(r, m))
            {
                m = r;
            }

            if (m == i)
            {
                return;
            }

            Swap(i, m);
            i = m;
        }
    }
}
