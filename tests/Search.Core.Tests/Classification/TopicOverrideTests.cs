using Search.Core.Classification;
using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Classification;

public sealed class TopicOverrideTests : IDisposable
{
    private readonly TempFolder _fixtures = new();
    private readonly TestIndex _index;

    public TopicOverrideTests()
    {
        var (taxonomy, training) = TopicFixtures.WriteSmall(_fixtures.Path);
        _index = new TestIndex(o =>
        {
            o.TopicsEnabled = true;
            o.TopicsPath = taxonomy;
            o.TrainingPath = training;
        });
        TopicDocuments.AddQuantumAndSpam(_index);
    }

    public void Dispose()
    {
        _index.Dispose();
        _fixtures.Dispose();
    }

    private Dictionary<string, List<string>> TopicsById() =>
        _index.Search.Search(new SearchRequest { PageSize = 100 }).Hits.ToDictionary(h => h.Id, h => h.Topics.ToList());

    [Fact]
    public void Ingestion_TagsDocuments_AndTopicIsAFacetAndFilter()
    {
        _index.Ingest();

        Assert.Equal(["quantum"], TopicsById()["SG17-C0001.txt"]);
        Assert.Equal(["spam"], TopicsById()["SG2-C0002.txt"]);
        var details = _index.Search.Get("SG17-C0001.txt")!;
        var quantum = Assert.Single(details.Topics);
        Assert.False(quantum.Overridden);
        Assert.Contains("Quantum", quantum.Evidence!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["SG2-C0002.txt"], _index.Ids(string.Empty, new() { ["topic"] = ["spam"] }));
        var facet = _index.Search.Facets()["topic"].ToDictionary(v => v.Value, v => v.Count);
        Assert.Equal(new Dictionary<string, int> { ["quantum"] = 1, ["spam"] = 1 }, facet);
    }

    [Fact]
    public void Override_IsAppliedAtOnce_AndSurvivesReingestAndRetraining()
    {
        _index.Ingest();

        _index.Topics.SetOverride("SG2-C0002.txt", "spam", false);
        _index.Topics.SetOverride("SG2-C0002.txt", "quantum", true);
        Assert.Equal(["quantum"], TopicsById()["SG2-C0002.txt"]);
        Assert.Equal(2, _index.Overrides.All().Count);

        // Unchanged re-ingest, then a changed file, then a retrained model: the decision stays.
        _index.Ingest();
        Assert.Equal(["quantum"], TopicsById()["SG2-C0002.txt"]);
        File.AppendAllText(Path.Combine(_index.Documents, "SG2-C0002.txt"), "\nMore robocall statistics were presented.\n");
        var changed = _index.Ingest();
        Assert.Equal(1, changed.Updated);
        Assert.Equal(["quantum"], TopicsById()["SG2-C0002.txt"]);
        _index.Classifier.Retrain();
        _index.Ingest();
        Assert.Equal(["quantum"], TopicsById()["SG2-C0002.txt"]);
        Assert.True(_index.Search.Get("SG2-C0002.txt")!.Topics.Single().Overridden);

        // Clearing gives the decision back to the classifier.
        _index.Topics.SetOverride("SG2-C0002.txt", "spam", null);
        _index.Topics.SetOverride("SG2-C0002.txt", "quantum", null);
        Assert.Equal(["spam"], TopicsById()["SG2-C0002.txt"]);
        Assert.Empty(_index.Overrides.All());
    }

    [Fact]
    public void Overrides_SurviveRebuildingTheIndexFromScratch()
    {
        _index.Ingest();
        _index.Topics.SetOverride("SG17-C0001.txt", "spam", true);

        using var rebuilt = new TestIndex(o =>
        {
            o.TopicsEnabled = true;
            o.TopicsPath = _index.Options.Value.TopicsPath;
            o.TrainingPath = _index.Options.Value.TrainingPath;
            o.OverridesPath = _index.Options.Value.OverridesPath;
        });
        File.Copy(Path.Combine(_index.Documents, "SG17-C0001.txt"), Path.Combine(rebuilt.Documents, "SG17-C0001.txt"));
        rebuilt.Ingest();

        Assert.Equal(["quantum", "spam"], rebuilt.Search.Search(new SearchRequest()).Hits.Single().Topics.Order());
    }

    [Fact]
    public void Override_OfAnUnknownTopicOrDocument_IsRefused()
    {
        _index.Ingest();
        var topic = Assert.Throws<TopicOverrideException>(() => _index.Topics.SetOverride("SG17-C0001.txt", "astrology", true));
        Assert.Equal("topic", topic.Field);
        var document = Assert.Throws<TopicOverrideException>(() => _index.Topics.SetOverride("nope.txt", "spam", true));
        Assert.Equal("id", document.Field);
        Assert.Empty(_index.Overrides.All());
    }
}
