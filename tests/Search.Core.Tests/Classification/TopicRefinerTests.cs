using Microsoft.Extensions.Logging.Abstractions;
using Search.Core.Classification;
using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Classification;

/// <summary>Re-tagging with the text-and-embeddings topic model, on a real index with real MiniLM embeddings.</summary>
public sealed class TopicRefinerTests : IDisposable
{
    private readonly TopicTestIndex _topics = new(semantic: true);

    private TestIndex Index => _topics.Index;

    public void Dispose() => _topics.Dispose();

    private DocumentDetails Details(string id) => Index.Search.Get(id)!;

    private int Refine() => Index.Refiner.RefineAsync(null, CancellationToken.None).GetAwaiter().GetResult();

    [Fact]
    public void Ingestion_TagsWithText_ThenRefinementRetagsWithEmbeddings_AndKeepsOverrides()
    {
        Index.Ingest();
        Assert.Equal(TopicClassifier.TextModelName, Details("SG17-C0001.txt").TopicsBy);
        Assert.Equal(new TopicRefinementStatus(true, "waiting", 2, 0, Index.Classifier.RefinedModelName), Index.Refiner.Status());
        Index.Topics.SetOverride("SG2-C0002.txt", "quantum", true);

        Assert.Equal(2, Refine());

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

        // The topics written are the refined model's on the passages of the file as ingestion read it.
        var file = Path.Combine(Index.Documents, "SG17-C0001.txt");
        var expected = Index.Classifier.TagRefined(PassageSplitter.Split(Search.Core.Ingestion.TextFileReader.FromPlainText(File.ReadAllText(file))))!;
        Assert.Equal(expected.Topics.Select(t => (t.Topic, t.Confidence)), qkd.Topics.Select(t => (t.Topic, t.Confidence)));
        Assert.Equal(new TopicRefinementStatus(true, "ready", 2, 2, refinedName), Index.Refiner.Status());
        Assert.Equal(0, Refine());
    }

    [Fact]
    public void ReIngestion_KeepsRefinedTopics_AndNewDocumentsAreRefinedNext()
    {
        Index.Ingest();
        Refine();

        var again = Index.Ingest();
        Assert.Equal(2, again.Unchanged);
        Assert.Equal(Index.Classifier.RefinedModelName, Details("SG17-C0001.txt").TopicsBy);

        Index.Add("SG13-C0003.txt", TestIndex.Txt("SG13-C0003", "2022-2024", "16/13", "10-19 May 2023", "Trusted nodes",
            "Trusted nodes in a quantum key distribution network must be physically protected, and keys are relayed hop by hop between them."));
        Index.Ingest();
        Assert.Equal(TopicClassifier.TextModelName, Details("SG13-C0003.txt").TopicsBy); // its passages were never embedded
        Assert.Equal(1, Refine());
        Assert.Equal(Index.Classifier.RefinedModelName, Details("SG13-C0003.txt").TopicsBy);
    }

    [Fact]
    public void SavedRefinedModel_IsLoadedWithoutTraining_AndTagsCachedDocumentsWhileIngesting()
    {
        Index.Ingest();
        Refine();
        Assert.True(File.Exists(Index.Classifier.RefinedModelPath));

        // A new process: the model is loaded from disk and the passages' vectors from the cache, so ingestion uses it at once.
        Index.Classifier.Dispose();
        using var fresh = new TopicClassifier(Index.Options, NullLogger<TopicClassifier>.Instance, SharedModel.Instance);
        Assert.NotNull(fresh.RefinedModel(train: false));
        var text = Search.Core.Ingestion.TextFileReader.FromPlainText(File.ReadAllText(Path.Combine(Index.Documents, "SG17-C0001.txt")));
        var tagging = fresh.TagForIngestion(text);
        Assert.Equal(fresh.RefinedModelName, tagging.Model);
        Assert.Equal(["quantum"], tagging.Topics.Select(t => t.Topic));

        var unseen = Search.Core.Ingestion.TextFileReader.FromPlainText("Lattice-based signatures for quantum-resistant firmware signing were never embedded before.");
        Assert.Equal(TopicClassifier.TextModelName, fresh.TagForIngestion(unseen).Model);
    }

    [Fact]
    public void CorruptRefinedModelFile_IsRetrained_NotFatal()
    {
        Index.Ingest();
        Refine();
        var path = Index.Classifier.RefinedModelPath;
        Index.Classifier.Dispose();
        File.WriteAllBytes(path, [0x50, 0x4B, 0x03, 0x04, 0xFF]);

        using var fresh = new TopicClassifier(Index.Options, NullLogger<TopicClassifier>.Instance, SharedModel.Instance);
        Assert.Null(fresh.RefinedModel(train: false)); // unusable, and not trained when only asked to load
        var model = fresh.RefinedModel(train: true);

        Assert.NotNull(model);
        Assert.Equal(SharedModel.Instance.Name, model.EmbeddingModel);
        Assert.Equal(model.Info.Topics, TopicModel.Load(path, fresh.Embedder()).Info.Topics); // a good model replaced the corrupt file
    }

    [Fact]
    public async Task WithSemanticSearchOff_ThereIsNoRefinement()
    {
        using var plain = new TestIndex(o =>
        {
            o.TopicsEnabled = true;
            o.TopicsPath = Index.Options.Value.TopicsPath;
            o.TrainingPath = Index.Options.Value.TrainingPath;
        });
        Assert.False(plain.Classifier.RefinesWithEmbeddings);
        Assert.False(plain.Refiner.Status().Enabled);
        Assert.Equal(0, await plain.Refiner.RefineAsync(null, CancellationToken.None));
    }
}
