using Search.Core.Classification;
using Search.Core.Indexing;
using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Classification;

public sealed class TopicOverrideTests : IDisposable
{
    private readonly TopicTestIndex _topics = new();

    private TestIndex Index => _topics.Index;

    public void Dispose() => _topics.Dispose();

    private Dictionary<string, List<string>> TopicsById() =>
        Index.Search.Search(new SearchRequest { PageSize = 100 }).Hits.ToDictionary(h => h.Id, h => h.Topics.ToList());

    [Fact]
    public void Ingestion_TagsDocuments_AndTopicIsAFacetAndFilter()
    {
        Index.Ingest();

        Assert.Equal(["quantum"], TopicsById()["SG17-C0001.txt"]);
        Assert.Equal(["spam"], TopicsById()["SG2-C0002.txt"]);
        var details = Index.Search.Get("SG17-C0001.txt")!;
        var quantum = Assert.Single(details.Topics);
        Assert.False(quantum.Overridden);
        Assert.Contains("Quantum", quantum.Evidence!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["SG2-C0002.txt"], Index.Ids(string.Empty, new() { ["topic"] = ["spam"] }));
        var facet = Index.Search.Facets()["topic"].ToDictionary(v => v.Value, v => v.Count);
        Assert.Equal(new Dictionary<string, int> { ["quantum"] = 1, ["spam"] = 1 }, facet);
    }

    [Fact]
    public void Override_IsAppliedAtOnce_AndSurvivesReingestAndRetraining()
    {
        Index.Ingest();

        Index.Topics.SetOverride("SG2-C0002.txt", "spam", false);
        Index.Topics.SetOverride("SG2-C0002.txt", "quantum", true);
        Assert.Equal(["quantum"], TopicsById()["SG2-C0002.txt"]);
        Assert.Equal(2, Index.Topics.Overrides().Count);

        // Unchanged re-ingest, then a changed file, then a retrained model: the decision stays.
        Index.Ingest();
        Assert.Equal(["quantum"], TopicsById()["SG2-C0002.txt"]);
        File.AppendAllText(Path.Combine(Index.Documents, "SG2-C0002.txt"), "\nMore robocall statistics were presented.\n");
        var changed = Index.Ingest();
        Assert.Equal(1, changed.Updated);
        Assert.Equal(["quantum"], TopicsById()["SG2-C0002.txt"]);
        Index.Classifier.Retrain();
        Index.Ingest();
        Assert.Equal(["quantum"], TopicsById()["SG2-C0002.txt"]);
        Assert.True(Index.Search.Get("SG2-C0002.txt")!.Topics.Single().Overridden);

        // Clearing gives the decision back to the classifier.
        Index.Topics.SetOverride("SG2-C0002.txt", "spam", null);
        Index.Topics.SetOverride("SG2-C0002.txt", "quantum", null);
        Assert.Equal(["spam"], TopicsById()["SG2-C0002.txt"]);
        Assert.Empty(Index.Topics.Overrides());
    }

    [Fact]
    public void Overrides_LiveInTheIndexCommit_SoAnotherProcessNeverErasesThem()
    {
        Index.Ingest();

        // Another process (its own store on the same folder, as the CLI beside a running service) sets one...
        var other = new TopicService(new IndexStore(Index.Options), Index.Classifier);
        other.SetOverride("SG17-C0001.txt", "spam", true);

        // ...and this one, which never saw it, sets another: both are kept, in the index and in its commit.
        Index.Topics.SetOverride("SG2-C0002.txt", "quantum", true);
        Assert.Equal(["quantum", "spam"], TopicsById()["SG17-C0001.txt"].Order());
        Assert.Equal(["quantum", "spam"], TopicsById()["SG2-C0002.txt"].Order());
        Assert.Equal(2, Index.Topics.Overrides().Count);
        Assert.Equal(2, TopicOverrides.FromCommitData(Index.Store.CommitData()).All.Count);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(Index.Store.IndexPath)!, "*.json")); // nothing beside the index
    }

    [Fact]
    public void Override_OfAnUnknownTopicOrDocument_IsRefused()
    {
        Index.Ingest();
        var topic = Assert.Throws<TopicOverrideException>(() => Index.Topics.SetOverride("SG17-C0001.txt", "astrology", true));
        Assert.Equal("topic", topic.Field);
        var document = Assert.Throws<TopicOverrideException>(() => Index.Topics.SetOverride("nope.txt", "spam", true));
        Assert.Equal("id", document.Field);
        Assert.Empty(Index.Topics.Overrides());
    }
}
