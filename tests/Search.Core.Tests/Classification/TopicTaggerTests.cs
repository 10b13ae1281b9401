using Microsoft.Extensions.Logging.Abstractions;
using Search.Core.Classification;
using Search.Core.Indexing;
using Search.Core.Querying;
using Search.Core.Semantic;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Classification;

/// <summary>The topic stage on a real index with real MiniLM embeddings: text model first, then the model with embeddings on the semantic index's own passages and vectors.</summary>
public sealed class TopicTaggerTests : IDisposable
{
    private readonly TopicTestIndex _topics = new(semantic: true);

    private TestIndex Index => _topics.Index;

    public void Dispose() => _topics.Dispose();

    private DocumentDetails Details(string id) => Index.Search.Get(id)!;

    private int TagText() => Index.Tagger.TagPendingAsync(train: false, null, CancellationToken.None).GetAwaiter().GetResult();

    [Fact]
    public void Ingestion_LeavesTopicsToTheStages_TextFirst_ThenEmbeddings_AndOverridesAreKept()
    {
        Index.IngestOnly();
        Assert.Null(Details("SG17-C0001.txt").TopicsBy); // ingestion knows nothing of topics
        Index.Topics.SetOverride("SG2-C0002.txt", "quantum", true);
        Assert.Equal(["quantum"], Details("SG2-C0002.txt").Topics.Select(t => t.Topic)); // the override applies at once

        Assert.Equal(2, TagText());
        Assert.Equal(TopicClassifier.TextModelName, Details("SG17-C0001.txt").TopicsBy);

        Index.CatchUp();

        var refinedName = Index.Classifier.RefinedModelName;
        Assert.StartsWith("text+", refinedName, StringComparison.Ordinal);
        var qkd = Details("SG17-C0001.txt");
        Assert.Equal(refinedName, qkd.TopicsBy);
        Assert.Equal(["quantum"], qkd.Topics.Select(t => t.Topic));
        var spam = Details("SG2-C0002.txt");
        Assert.Equal(refinedName, spam.TopicsBy);
        Assert.Equal(["quantum", "spam"], spam.Topics.Select(t => t.Topic).Order());
        Assert.True(spam.Topics.Single(t => t.Topic == "quantum").Overridden);
        Assert.Equal(["SG17-C0001.txt", "SG2-C0002.txt"], Index.Ids(string.Empty, new() { ["topic"] = ["quantum"] }));

        // The topics are the model's on the semantic index's passages, with the very vectors it searches with.
        var vectors = Index.Semantic.Current;
        var entries = vectors.EntriesOf("SG17-C0001.txt");
        Assert.NotEmpty(entries);
        var expected = TopicClassifier.Score(Index.Classifier.RefinedModel(train: false)!, entries.Select(e => vectors.Entries[e].Text).ToList(), entries.Select(e => vectors.Vector(e).ToArray()).ToList());
        Assert.Equal(expected.Single(t => t.Topic == "quantum").Confidence, qkd.Topics.Single().Confidence);
        Assert.Equal(new TopicStatus(true, "ready", 2, 2, 2, refinedName), Index.Tagger.Status());
        Assert.Equal(0, TagText()); // nothing left
    }

    [Fact]
    public void TopicsReadTheStoredVectors_AndNoPassageIsEverEmbeddedTwice()
    {
        var counting = new CountingModel(SharedModel.Instance);
        using var topics = new TopicTestIndex(semantic: true, counting);
        topics.Index.IngestOnly();
        topics.Index.CatchUp(); // topics by text, passages embedded, topics again with their vectors

        var vectors = topics.Index.Semantic.Current;
        Assert.Equal(2, vectors.Documents.Count);
        Assert.Equal(topics.Index.Classifier.RefinedModelName, topics.Index.Search.Get("SG17-C0001.txt")!.TopicsBy);
        Assert.All(vectors.Entries, e => Assert.Equal(1, counting.Count(e.Text)));

        // Tagging every document again with embeddings embeds nothing: the vectors are the stored ones.
        var before = counting.Total;
        topics.Index.Add("SG2-C0002.txt", File.ReadAllText(Path.Combine(topics.Index.Documents, "SG2-C0002.txt")) + "\nMore robocall statistics were presented.\n");
        topics.Index.IngestOnly();
        topics.Index.CatchUp();
        var changed = topics.Index.Semantic.Current;
        var added = changed.Entries.Where(e => e.DocumentId == "SG2-C0002.txt" && !vectors.Entries.Any(o => o.Text == e.Text)).ToList();
        Assert.Equal(before + added.Count, counting.Total); // only the changed document's new passages
        Assert.All(changed.Entries, e => Assert.Equal(1, counting.Count(e.Text)));
    }

    [Fact]
    public void TaggingManyDocumentsAtOnce_GivesWhatTaggingEachAloneGives()
    {
        var documents = new List<(IReadOnlyList<string> Passages, IReadOnlyList<float[]>? Vectors)>
        {
            (["Quantum key distribution links carry keys between trusted nodes of the network.", "The meeting agreed its agenda."], null),
            (["Robocalls with spoofed numbers reach subscribers every evening.", "Spam filters block messages from SIM farms."], null),
            ([], null),
            (["The codec reduces the bit rate of ultra high definition video streams."], null),
        };

        var many = Index.Classifier.TagMany(documents, refined: null);

        Assert.Equal(documents.Count, many.Count);
        for (var i = 0; i < documents.Count; i++)
        {
            var alone = Index.Classifier.TagText(documents[i].Passages);
            Assert.Equal(alone.Select(t => (t.Topic, t.Confidence, t.Evidence)), many[i]!.Topics.Select(t => (t.Topic, t.Confidence, t.Evidence)));
            Assert.Equal(TopicClassifier.TextModelName, many[i]!.Model);
        }

        Assert.Equal(["quantum"], many[0]!.Topics.Select(t => t.Topic));
        Assert.Equal(["spam"], many[1]!.Topics.Select(t => t.Topic));
    }

    [Fact]
    public void ReIngestion_KeepsTopics_AndNewDocumentsAreTaggedWithEmbeddings()
    {
        Index.Ingest();
        var again = Index.Ingest();
        Assert.Equal(2, again.Unchanged);
        Assert.Equal(Index.Classifier.RefinedModelName, Details("SG17-C0001.txt").TopicsBy);

        Index.Add("SG13-C0003.txt", TestIndex.Txt("SG13-C0003", "2022-2024", "16/13", "10-19 May 2023", "Trusted nodes",
            "Trusted nodes in a quantum key distribution network must be physically protected, and keys are relayed hop by hop between them."));
        Index.Ingest();
        var added = Details("SG13-C0003.txt");
        Assert.Equal(Index.Classifier.RefinedModelName, added.TopicsBy);
        Assert.Contains("quantum", added.Topics.Select(t => t.Topic));
    }

    [Fact]
    public void SavedModelWithEmbeddings_IsLoadedWithoutTraining_ByANewProcess()
    {
        Index.Ingest();
        Assert.True(File.Exists(Index.Classifier.RefinedModelPath));
        Assert.StartsWith(Index.Store.IndexPath, Index.Classifier.RefinedModelPath, StringComparison.Ordinal); // in the index's own folder

        var fresh = new TopicClassifier(Index.Store, Index.Options, NullLogger<TopicClassifier>.Instance, Index.Semantic);
        var written = File.GetLastWriteTimeUtc(Index.Classifier.RefinedModelPath);
        Assert.NotNull(fresh.RefinedModel(train: false));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Index.Classifier.RefinedModelPath)); // loaded, not trained again
        var tagging = fresh.TagRefined(["Quantum key distribution links carry keys between trusted nodes of the network."])!;
        Assert.Equal(fresh.RefinedModelName, tagging.Model);
        Assert.Equal(["quantum"], tagging.Topics.Select(t => t.Topic));
    }

    [Fact]
    public void CorruptModelWithEmbeddingsFile_IsRetrained_NotFatal()
    {
        Index.Ingest();
        var path = Index.Classifier.RefinedModelPath;
        File.WriteAllBytes(path, [0x50, 0x4B, 0x03, 0x04, 0xFF]);

        var fresh = new TopicClassifier(Index.Store, Index.Options, NullLogger<TopicClassifier>.Instance, Index.Semantic);
        Assert.Null(fresh.RefinedModel(train: false)); // unusable, and not trained when only asked to load
        var model = fresh.RefinedModel(train: true);

        Assert.NotNull(model);
        Assert.Equal(SharedModel.Instance.Name, model.EmbeddingModel);
        Assert.Equal(model.Info.Topics, TopicModel.Load(path, fresh.Embedder()).Info.Topics); // a good model replaced the corrupt file
    }

    [Fact]
    public void WithSemanticSearchOff_DocumentsAreTaggedByTheTextModel()
    {
        using var plain = new TestIndex(o =>
        {
            o.TopicsEnabled = true;
            o.TopicsPath = Index.Options.Value.TopicsPath;
            o.TrainingPath = Index.Options.Value.TrainingPath;
        });
        plain.Add("SG17-C0001.txt", File.ReadAllText(Path.Combine(Index.Documents, "SG17-C0001.txt")));
        plain.Ingest();

        Assert.False(plain.Classifier.RefinesWithEmbeddings);
        var status = plain.Tagger.Status();
        Assert.Equal((true, 1, 1, 0, TopicClassifier.TextModelName), (status.Enabled, status.Documents, status.Tagged, status.TaggedWithEmbeddings, status.Model));
        Assert.Equal(TopicClassifier.TextModelName, plain.Search.Get("SG17-C0001.txt")!.TopicsBy);
        Assert.Empty(Directory.GetFiles(plain.Store.IndexPath, "vectors-*"));
    }

    [Fact]
    public async Task TaggingAsManyDocumentsAsABulkLoad_EndsInOneSegment_AsTheBulkLoadDid()
    {
        using var plain = new TestIndex(o =>
        {
            o.TopicsEnabled = true;
            o.TopicsPath = Index.Options.Value.TopicsPath;
            o.TrainingPath = Index.Options.Value.TrainingPath;
            o.MergeAfterDocuments = 300;
        });
        for (var i = 0; i < 600; i++)
        {
            var number = $"SG17-C{i:0000}";
            plain.Add(number + ".txt", TestIndex.Txt(number, "2022-2024", "6/17", "8-17 April 2025", $"Document {i}", i % 2 == 0 ? "Quantum key distribution for networks." : "Counterfeit mobile devices and their IMEI."));
        }

        Assert.Equal(600, plain.IngestOnly().Added);
        int Segments()
        {
            using var lease = plain.Store.Lease();
            return lease.Searcher.IndexReader.Leaves.Count;
        }

        Assert.Equal(1, Segments()); // the bulk load's own merge
        Assert.Equal(600, await plain.Tagger.TagPendingAsync(train: false, null, CancellationToken.None));
        Assert.Equal(1, Segments()); // a batch at a time wrote a segment each
        Assert.Equal(600, plain.Search.Count());
        Assert.Equal(("ready", 600), (plain.Tagger.Status().State, plain.Tagger.Status().Tagged));
        Assert.Equal(TopicClassifier.TextModelName, plain.Search.Get("SG17-C0599.txt")!.TopicsBy);
    }
}
