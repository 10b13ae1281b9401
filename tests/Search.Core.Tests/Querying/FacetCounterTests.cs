using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Search.Core.Indexing;
using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Querying;

/// <summary>
/// The ordinal-array facet counter against a count by hand over the same documents: several segments,
/// deleted documents, multi-valued facets, and multi-select selections (each selected facet counted
/// under every selection but its own, in the one pass that collects the hits).
/// </summary>
public sealed class FacetCounterTests : IDisposable
{
    private static readonly string[] Groups = ["SG11", "SG13", "SG17", "SG20", "TSAG"];
    private static readonly string[] Kinds = ["contribution", "td", "ls"];
    private static readonly string[] Words = ["quantum", "counterfeit", "iot", "security", "network"];

    private readonly TempFolder _folder = new();
    private readonly FSDirectory _directory;
    private readonly List<Doc> _docs = [];

    private sealed record Doc(int Number, string[] Groups, string Kind, string[] Words, bool Deleted);

    public FacetCounterTests()
    {
        _directory = FSDirectory.Open(_folder.Path);
        var random = new Random(20261204);
        using var writer = new IndexWriter(_directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new WhitespaceAnalyzer(LuceneVersion.LUCENE_48)));
        for (var i = 0; i < 600; i++)
        {
            var groups = Groups.Where(_ => random.NextDouble() < 0.35).ToArray();
            var words = Words.Where(_ => random.NextDouble() < 0.5).ToArray();
            var doc = new Doc(i, groups, Kinds[random.Next(Kinds.Length)], words, Deleted: random.NextDouble() < 0.1);
            _docs.Add(doc);
            var d = new Document
            {
                new StringField("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.YES),
                new TextField("body", string.Join(' ', words.DefaultIfEmpty("nothing")), Field.Store.NO),
                new StringField(IndexFields.Kind, doc.Kind, Field.Store.NO),
                new SortedSetDocValuesField(IndexFields.Kind, new BytesRef(doc.Kind)),
            };
            foreach (var g in groups)
            {
                d.Add(new StringField(IndexFields.StudyGroup, g, Field.Store.NO));
                d.Add(new SortedSetDocValuesField(IndexFields.StudyGroup, new BytesRef(g)));
            }

            writer.AddDocument(d);
            if (i % 150 == 149)
            {
                writer.Commit(); // several segments
            }
        }

        foreach (var doc in _docs.Where(d => d.Deleted))
        {
            writer.DeleteDocuments(new Term("n", doc.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        writer.Commit();
    }

    public void Dispose()
    {
        _directory.Dispose();
        _folder.Dispose();
    }

    public static TheoryData<string, string[], string[]> Cases => new()
    {
        { "quantum", [], [] },
        { "quantum", ["SG17"], [] },
        { "counterfeit", ["SG11", "SG20"], ["td", "ls"] },
        { "security", [], ["contribution"] },
        { "*", ["TSAG", "SG13"], ["ls"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Counts_MatchAHandCount_WithMultiSelect(string word, string[] groups, string[] kinds)
    {
        using var reader = DirectoryReader.Open(_directory);
        Assert.True(reader.Leaves.Count > 1, "the test needs several segments");
        var searcher = new IndexSearcher(reader);
        var selections = new Dictionary<string, IReadOnlySet<string>>();
        if (groups.Length > 0)
        {
            selections[IndexFields.StudyGroup] = groups.ToHashSet();
        }

        if (kinds.Length > 0)
        {
            selections[IndexFields.Kind] = kinds.ToHashSet();
        }

        var top = TopScoreDocCollector.Create(1000, true);
        var counter = new FacetCounter([IndexFields.StudyGroup, IndexFields.Kind], selections, top);
        Query query = word == "*" ? new MatchAllDocsQuery() : new TermQuery(new Term("body", word));
        searcher.Search(query, counter);
        var counts = counter.Counts();

        // By hand: the live documents with the word; a selection is passed when the document has one of its values.
        var matching = _docs.Where(d => !d.Deleted && (word == "*" || d.Words.Contains(word))).ToList();
        bool InGroups(Doc d) => groups.Length == 0 || d.Groups.Intersect(groups).Any();
        bool InKinds(Doc d) => kinds.Length == 0 || kinds.Contains(d.Kind);
        var hits = matching.Where(d => InGroups(d) && InKinds(d)).ToList();
        var expectedGroups = matching.Where(InKinds).SelectMany(d => d.Groups).GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count());
        var expectedKinds = matching.Where(InGroups).GroupBy(d => d.Kind).ToDictionary(g => g.Key, g => g.Count());

        Assert.NotEmpty(hits);
        Assert.Equal(hits.Count, counter.TotalHits);
        Assert.Equal(hits.Count, top.TotalHits);
        var found = top.GetTopDocs().ScoreDocs.Select(sd => int.Parse(searcher.Doc(sd.Doc).Get("n"), System.Globalization.CultureInfo.InvariantCulture)).Order();
        Assert.Equal(hits.Select(d => d.Number).Order(), found);
        Assert.Equal(expectedGroups.OrderBy(p => p.Key), counts[IndexFields.StudyGroup].OrderBy(p => p.Key));
        Assert.Equal(expectedKinds.OrderBy(p => p.Key), counts[IndexFields.Kind].OrderBy(p => p.Key));

        // The same from bit sets of the matches, as the keyword search counts them.
        var fromBits = new FacetCounter([IndexFields.StudyGroup, IndexFields.Kind], selections);
        foreach (var leaf in reader.Leaves)
        {
            var bits = new Lucene.Net.Util.FixedBitSet(leaf.AtomicReader.MaxDoc);
            var docs = new QueryWrapperFilter(query).GetDocIdSet(leaf, leaf.AtomicReader.LiveDocs)?.GetIterator();
            if (docs is not null)
            {
                bits.Or(docs);
            }

            fromBits.SetNextReader(leaf);
            fromBits.CollectAll(bits);
        }

        var bitCounts = fromBits.Counts();
        Assert.Equal(hits.Count, fromBits.TotalHits);
        Assert.Equal(expectedGroups.OrderBy(p => p.Key), bitCounts[IndexFields.StudyGroup].OrderBy(p => p.Key));
        Assert.Equal(expectedKinds.OrderBy(p => p.Key), bitCounts[IndexFields.Kind].OrderBy(p => p.Key));
    }

    [Fact]
    public void CountDocuments_WithSelections_GivesTheHitsAndTheOwnFacetCounts()
    {
        using var reader = DirectoryReader.Open(_directory);
        var searcher = new IndexSearcher(reader);
        var all = searcher.Search(new TermQuery(new Term("body", "network")), 1000).ScoreDocs.Select(sd => sd.Doc).ToList();
        var (counts, hits) = FacetCounter.CountDocuments(reader, all, [IndexFields.StudyGroup], new Dictionary<string, IReadOnlySet<string>>
        {
            [IndexFields.StudyGroup] = new HashSet<string> { "SG17" },
        });

        var matching = _docs.Where(d => !d.Deleted && d.Words.Contains("network")).ToList();
        Assert.Equal(matching.Count(d => d.Groups.Contains("SG17")), hits.Count);
        Assert.Equal(matching.SelectMany(d => d.Groups).GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count()).OrderBy(p => p.Key),
            counts[IndexFields.StudyGroup].OrderBy(p => p.Key));
    }

    [Fact]
    public void OrdinalArrays_AreBuiltOncePerSegment_AndHoldEveryValue()
    {
        using var reader = DirectoryReader.Open(_directory);
        foreach (var leaf in reader.Leaves)
        {
            var first = FacetOrdinals.Of(leaf.AtomicReader, IndexFields.StudyGroup);
            Assert.NotNull(first);
            Assert.Same(first, FacetOrdinals.Of(leaf.AtomicReader, IndexFields.StudyGroup));
            Assert.Equal(leaf.AtomicReader.MaxDoc + 1, first.Starts.Length);
            Assert.Equal(first.Ordinals.Length, first.Starts[^1]);
            Assert.All(first.Values, v => Assert.Contains(v, Groups));
            Assert.Null(FacetOrdinals.Of(leaf.AtomicReader, "no-such-field"));
        }
    }
}
