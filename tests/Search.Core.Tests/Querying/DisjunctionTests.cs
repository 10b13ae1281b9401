using System.Globalization;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Querying;

/// <summary>
/// MaxScore top k and the match bit sets against Lucene's own exhaustive search over the same index:
/// several segments, deleted documents, words of very different frequencies in fields of different
/// lengths and boosts, nested boosts, phrases, filters, and k from 1 to 50.
/// </summary>
public sealed class DisjunctionTests : IDisposable
{
    private static readonly string[] Fields = ["title", "abstract", "body"];
    private static readonly Dictionary<string, float> Boosts = new() { ["title"] = 3f, ["abstract"] = 2f, ["body"] = 1f };

    private readonly TempFolder _folder = new();
    private readonly FSDirectory _directory;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly Random _random = new(20261205);

    public DisjunctionTests()
    {
        _directory = FSDirectory.Open(_folder.Path);
        var similarity = new BM25Similarity();
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, new WhitespaceAnalyzer(LuceneVersion.LUCENE_48)) { Similarity = similarity };
        using (var writer = new IndexWriter(_directory, config))
        {
            for (var i = 0; i < 3000; i++)
            {
                var doc = new Document { new StringField("n", i.ToString(CultureInfo.InvariantCulture), Field.Store.YES) };
                doc.Add(new TextField("title", Text(_random.Next(2, 8)), Field.Store.NO));
                if (_random.NextDouble() < 0.6)
                {
                    doc.Add(new TextField("abstract", Text(_random.Next(5, 40)), Field.Store.NO));
                }

                doc.Add(new TextField("body", Text(_random.Next(20, 400)), Field.Store.NO));
                doc.Add(new StringField("group", "g" + (i % 7).ToString(CultureInfo.InvariantCulture), Field.Store.NO));
                writer.AddDocument(doc);
                if (i % 800 == 799)
                {
                    writer.Commit(); // several segments
                }
            }

            for (var i = 0; i < 3000; i += 11)
            {
                writer.DeleteDocuments(new Term("n", i.ToString(CultureInfo.InvariantCulture)));
            }

            writer.Commit();
        }

        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = similarity };
        Assert.True(_reader.Leaves.Count >= 3);
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
        _folder.Dispose();
    }

    /// <summary>Words w0..w1999 with a Zipf-like law: w0 is in most documents, w1999 in few.</summary>
    private string Word() => "w" + ((int)Math.Floor(Math.Pow(2000, _random.NextDouble())) - 1).ToString(CultureInfo.InvariantCulture);

    private string Text(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Word()));

    /// <summary>A query as the service's parser builds one: each word in every field with its boost, OR.</summary>
    private BooleanQuery UserQuery(int words, bool phrase = false, float outerBoost = 1f)
    {
        var query = new BooleanQuery { Boost = outerBoost };
        for (var w = 0; w < words; w++)
        {
            var word = Word();
            var perField = new BooleanQuery(disableCoord: true);
            foreach (var field in Fields)
            {
                perField.Add(new TermQuery(new Term(field, word)) { Boost = Boosts[field] }, Occur.SHOULD);
            }

            query.Add(perField, Occur.SHOULD);
        }

        if (phrase)
        {
            query.Add(new PhraseQuery { new Term("body", Word()), new Term("body", Word()) }, Occur.SHOULD);
            query.Add(new PhraseQuery { new Term("body", "w0"), new Term("body", "w1") }, Occur.SHOULD);
        }

        return query;
    }

    private (ScoreDoc[] Hits, int Scored) Pruned(Disjunction disjunction, int k, Func<AtomicReaderContext, IBits?>? accept = null)
    {
        var top = new TopK(k);
        var scored = 0;
        foreach (var leaf in _reader.Leaves)
        {
            scored += disjunction.Rank(leaf, accept is null ? leaf.AtomicReader.LiveDocs : accept(leaf), top);
        }

        return (top.Hits(0, k), scored);
    }

    /// <summary>Same scores rank by rank, and the same documents except among equal scores (float sums may differ in the last bit).</summary>
    private static void AssertSameRanking(ScoreDoc[] expected, ScoreDoc[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} hits, expected {expected.Length}");
        for (var i = 0; i < expected.Length; i++)
        {
            var tolerance = 1e-5f * Math.Max(1f, Math.Abs(expected[i].Score));
            Assert.True(Math.Abs(expected[i].Score - actual[i].Score) <= tolerance, $"{what}: rank {i + 1} scored {actual[i].Score}, expected {expected[i].Score}");
            if (expected[i].Doc != actual[i].Doc)
            {
                var tied = expected.Any(e => e.Doc == actual[i].Doc && Math.Abs(e.Score - actual[i].Score) <= tolerance)
                    || Math.Abs(expected[^1].Score - actual[i].Score) <= tolerance;
                Assert.True(tied, $"{what}: rank {i + 1} is doc {actual[i].Doc}, expected {expected[i].Doc}, and the scores are not tied");
            }
        }
    }

    /// <summary>Block bounds: the default ones (for terms in 512 documents or more, blocks of 128), and small blocks for every term.</summary>
    [Theory]
    [InlineData(1, Disjunction.DefaultBlockSize, Disjunction.DefaultBlockMinDocFreq)]
    [InlineData(10, Disjunction.DefaultBlockSize, Disjunction.DefaultBlockMinDocFreq)]
    [InlineData(50, Disjunction.DefaultBlockSize, Disjunction.DefaultBlockMinDocFreq)]
    [InlineData(1, 16, 1)]
    [InlineData(10, 16, 1)]
    [InlineData(10, 64, 20)]
    [InlineData(50, 7, 1)]
    public void TopK_IsLucenesExhaustiveTopK(int k, int blockSize, int blockMinDocFreq)
    {
        for (var q = 0; q < 60; q++)
        {
            var query = UserQuery(_random.Next(1, 20), phrase: q % 5 == 0, outerBoost: q % 7 == 0 ? 2.5f : 1f);
            var disjunction = Disjunction.Of(_searcher, query, blockSize, blockMinDocFreq);
            Assert.NotNull(disjunction);
            var expected = _searcher.Search(query, k).ScoreDocs;
            AssertSameRanking(expected, Pruned(disjunction, k).Hits, $"query {q} ({query})");
        }
    }

    [Fact]
    public void TopK_WithFuzzyAndPrefixTerms_IsLucenesTopK()
    {
        // A fuzzy term is rewritten to terms whose statistics are blended; a prefix to a constant score.
        for (var q = 0; q < 20; q++)
        {
            var query = UserQuery(_random.Next(1, 6));
            query.Add(new FuzzyQuery(new Term("body", Word() + "x")), Occur.SHOULD);
            query.Add(new FuzzyQuery(new Term("title", Word())) { Boost = 2f }, Occur.SHOULD);
            if (q % 2 == 0)
            {
                query.Add(new PrefixQuery(new Term("abstract", "w1")), Occur.SHOULD);
            }

            var disjunction = Disjunction.Of(_searcher, query, blockSize: 32, blockMinDocFreq: 1);
            Assert.NotNull(disjunction);
            AssertSameRanking(_searcher.Search(query, 10).ScoreDocs, Pruned(disjunction, 10).Hits, $"query {q} ({query})");
            var expected = _searcher.Search(query, _reader.MaxDoc).TotalHits;
            Assert.Equal(expected, _reader.Leaves.Sum(leaf => disjunction.Matches(leaf, leaf.AtomicReader.LiveDocs).Cardinality));
        }
    }

    [Fact]
    public void TopK_WithAFilter_IsLucenesFilteredTopK()
    {
        for (var q = 0; q < 30; q++)
        {
            var query = UserQuery(_random.Next(2, 12));
            var group = "g" + (q % 7).ToString(CultureInfo.InvariantCulture);
            var filter = new QueryWrapperFilter(new TermQuery(new Term("group", group)));
            var expected = _searcher.Search(new FilteredQuery(query, filter), 10).ScoreDocs;
            var disjunction = Disjunction.Of(_searcher, query, blockSize: 32, blockMinDocFreq: 1)!;
            var (hits, _) = Pruned(disjunction, 10, leaf =>
            {
                var bits = new FixedBitSet(leaf.AtomicReader.MaxDoc);
                var docs = filter.GetDocIdSet(leaf, leaf.AtomicReader.LiveDocs)?.GetIterator();
                if (docs is not null)
                {
                    bits.Or(docs);
                }

                return bits;
            });
            AssertSameRanking(expected, hits, $"query {q} filtered by {group}");
        }
    }

    [Fact]
    public void Pruning_ScoresFewerDocumentsThanMatch()
    {
        var scored = 0;
        var matched = 0;
        for (var q = 0; q < 20; q++)
        {
            var query = UserQuery(12);
            var disjunction = Disjunction.Of(_searcher, query)!;
            scored += Pruned(disjunction, 10).Scored;
            matched += _searcher.Search(query, 1).TotalHits;
        }

        // Common words match most documents; with ten hits to find, most matches cannot enter.
        Assert.True(scored < matched / 2, $"{scored} documents scored fully for {matched} matches");
    }

    [Fact]
    public async Task WarmedBlockBounds_OfFrequentTerms_GiveLucenesTopK()
    {
        // Worked out in the background from each term alone (boost 1), then used by queries that boost fields.
        for (var i = 0; i < 600 && !Disjunction.BlocksReady(_searcher, Fields, smallIndex: 0); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(Disjunction.BlocksReady(_searcher, Fields, smallIndex: 0));
        Assert.True(Disjunction.BlockBoundsKept(_searcher) > 0, "no block bounds were worked out");
        for (var q = 0; q < 30; q++)
        {
            var query = UserQuery(_random.Next(2, 15), phrase: q % 5 == 0, outerBoost: q % 3 == 0 ? 1.7f : 1f);
            AssertSameRanking(_searcher.Search(query, 10).ScoreDocs, Pruned(Disjunction.Of(_searcher, query)!, 10).Hits, $"query {q} ({query})");
        }
    }

    [Fact]
    public void BlockBounds_ScoreFewerDocumentsThanOneBoundATerm()
    {
        var withBlocks = 0;
        var without = 0;
        for (var q = 0; q < 20; q++)
        {
            var query = UserQuery(12);
            without += Pruned(Disjunction.Of(_searcher, query, blockMinDocFreq: int.MaxValue)!, 10).Scored;
            withBlocks += Pruned(Disjunction.Of(_searcher, query, blockSize: 32, blockMinDocFreq: 1)!, 10).Scored;
        }

        Assert.True(withBlocks < without, $"{withBlocks} documents scored with block bounds, {without} without");
    }

    [Fact]
    public void Matches_AreTheDocumentsLuceneMatches()
    {
        for (var q = 0; q < 40; q++)
        {
            var query = UserQuery(_random.Next(1, 15), phrase: q % 4 == 0);
            var disjunction = Disjunction.Of(_searcher, query)!;
            var expected = new SortedSet<int>(_searcher.Search(query, _reader.MaxDoc).ScoreDocs.Select(d => d.Doc));
            var actual = new SortedSet<int>();
            foreach (var leaf in _reader.Leaves)
            {
                var bits = disjunction.Matches(leaf, leaf.AtomicReader.LiveDocs);
                for (var doc = bits.NextSetBit(0); doc >= 0; doc = doc + 1 < bits.Length ? bits.NextSetBit(doc + 1) : -1)
                {
                    actual.Add(leaf.DocBase + doc);
                }
            }

            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Matches_OfFrequentTerms_AreTheSameFromTheCache()
    {
        // w0 is in most documents, so its documents are kept as a bit set; the second call reads them from there.
        var query = new BooleanQuery { { new TermQuery(new Term("body", "w0")), Occur.SHOULD }, { new TermQuery(new Term("title", "w1")), Occur.SHOULD } };
        var disjunction = Disjunction.Of(_searcher, query)!;
        var leaf = _reader.Leaves[0];
        var first = disjunction.Matches(leaf, leaf.AtomicReader.LiveDocs);
        var second = disjunction.Matches(leaf, leaf.AtomicReader.LiveDocs);
        Assert.True(first.Cardinality > leaf.AtomicReader.NumDocs / 2);
        Assert.Equal(first.Cardinality, second.Cardinality);
        Assert.True(first.Equals(second));
        Assert.False(first.Get(0) && leaf.AtomicReader.LiveDocs is { } live && !live.Get(0), "a deleted document matched");
    }

    [Fact]
    public void NotADisjunction_IsLeftToLucene()
    {
        var must = new BooleanQuery { { new TermQuery(new Term("body", "w3")), Occur.MUST }, { new TermQuery(new Term("body", "w4")), Occur.SHOULD } };
        var not = new BooleanQuery { { new TermQuery(new Term("body", "w3")), Occur.SHOULD }, { new TermQuery(new Term("body", "w4")), Occur.MUST_NOT } };
        var minimum = new BooleanQuery { { new TermQuery(new Term("body", "w3")), Occur.SHOULD }, { new TermQuery(new Term("body", "w4")), Occur.SHOULD } };
        minimum.MinimumNumberShouldMatch = 2;
        Assert.Null(Disjunction.Of(_searcher, must));
        Assert.Null(Disjunction.Of(_searcher, not));
        Assert.Null(Disjunction.Of(_searcher, minimum));
        Assert.Null(Disjunction.Of(_searcher, new MatchAllDocsQuery()));
        Assert.Null(Disjunction.Of(new IndexSearcher(_reader) { Similarity = new DefaultSimilarity() }, UserQuery(3)));
        Assert.NotNull(Disjunction.Of(_searcher, new TermQuery(new Term("body", "w3"))));
    }

    [Fact]
    public void TopK_KeepsTheLowerDocumentOnTies_AndOrdersLikeLucene()
    {
        var top = new TopK(3);
        Assert.True(top.Offer(1, 2f));
        Assert.True(top.Offer(2, 5f));
        Assert.True(top.Offer(3, 2f));
        Assert.Equal(2f, top.Threshold);
        Assert.False(top.Offer(4, 2f)); // tie with the third: the lower document stays
        Assert.True(top.Offer(5, 3f));
        Assert.Equal([2, 5, 1], top.Hits(0, 3).Select(h => h.Doc));
        Assert.Equal([5], top.Hits(1, 1).Select(h => h.Doc));
    }
}
