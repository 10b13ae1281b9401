using Search.Core.Classification;
using Search.Core.Indexing;
using Search.Core.Semantic;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Classification;

/// <summary>Topics tagged while ingesting (the topic tagger handed to the pipeline, as <c>search ingest</c> wires it).</summary>
public sealed class IngestTaggingTests : IDisposable
{
    private readonly TopicTestIndex _topics = new();

    private TestIndex Index => _topics.Index;

    public void Dispose() => _topics.Dispose();

    private IngestionReport IngestTagging() =>
        Index.NewPipeline(Index.Tagger).IngestAsync(Index.Documents, new IngestionRun(AllowDeletes: true), null, CancellationToken.None).GetAwaiter().GetResult();

    [Fact]
    public async Task DocumentsAreTaggedByTheTextModelAsTheyAreIngested_AndTheTopicStageFindsNothingLeft()
    {
        var report = IngestTagging();

        Assert.Equal(2, report.Added);
        foreach (var id in new[] { "SG17-C0001.txt", "SG2-C0002.txt" })
        {
            // The very topics the topic stage gives from the stored title and text.
            Assert.Equal(TopicClassifier.TextModelName, Index.Search.Get(id)!.TopicsBy);
            Assert.Equal(Expected(id), Index.Search.Get(id)!.Topics.Select(t => (t.Topic, t.Confidence, t.Evidence)));
        }

        Assert.Equal(["quantum"], Index.Search.Get("SG17-C0001.txt")!.Topics.Select(t => t.Topic));
        Assert.Equal(["SG17-C0001.txt"], Index.Ids(string.Empty, new() { ["topic"] = ["quantum"] }));
        Assert.Equal(0, await Index.Tagger.TagPendingAsync(train: false, null, CancellationToken.None));
        Assert.Equal(new TopicStatus(true, "ready", 2, 2, 0, TopicClassifier.TextModelName), Index.Tagger.Status());
    }

    [Fact]
    public void AChangedDocumentIngestedAgain_KeepsTheUsersOverride_AndGetsTheTopicsOfItsNewText()
    {
        IngestTagging();
        Index.Topics.SetOverride("SG17-C0001.txt", "spam", true);
        Index.Add("SG17-C0001.txt", TestIndex.Txt("SG17-C0001", "2022-2024", "15/17", "10-19 May 2023", "Numbering plan update",
            "The numbering plan assigns country codes.\n\nRobocalls with spoofed caller numbers annoy subscribers every evening, and operators filter spam text messages sent from SIM farms."));

        var report = IngestTagging();

        Assert.Equal(1, report.Updated);
        var changed = Index.Search.Get("SG17-C0001.txt")!;
        Assert.Equal(Expected("SG17-C0001.txt").Select(t => t.Topic).Append("spam").Distinct().Order(), changed.Topics.Select(t => t.Topic).Order());
        Assert.True(changed.Topics.Single(t => t.Topic == "spam").Overridden);
        Assert.DoesNotContain("quantum", changed.Topics.Select(t => t.Topic));
    }

    /// <summary>What the text model gives a stored document's passages (what the topic stage would write).</summary>
    private List<(string Topic, float Confidence, string? Evidence)> Expected(string id)
    {
        using var lease = Index.Store.Lease();
        var hits = lease.Searcher.Search(new Lucene.Net.Search.TermQuery(new Lucene.Net.Index.Term(IndexFields.Id, id)), 1);
        var stored = lease.Searcher.Doc(hits.ScoreDocs[0].Doc);
        return Index.Classifier.TagText(SemanticIndex.PassagesOf(stored).Select(p => p.Text).ToList()).Select(t => (t.Topic, t.Confidence, t.Evidence)).ToList();
    }
}
