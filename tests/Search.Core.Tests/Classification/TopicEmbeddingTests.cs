using Search.Core.Classification;
using Search.Core.Semantic;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Classification;

public sealed class TopicEmbeddingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string[] Probes => TopicFixtures.Probes;

    // Each training gets its own empty cache, so the embeddings are computed again: the whole path is checked, not the cache.
    private static PassageEmbedder Embedder() => new(SharedModel.Instance, new EmbeddingCache(null, SharedModel.Instance.Dimensions));

    [Fact]
    public void EmbeddingFeatures_TrainDeterministically()
    {
        var (taxonomy, passages) = TopicFixtures.LoadSmall(_temp.Path);

        var first = TopicTrainer.Train(passages, taxonomy, Embedder());
        var second = TopicTrainer.Train(passages, taxonomy, Embedder());

        Assert.Equal(first.Info.Topics, second.Info.Topics);
        foreach (var topic in first.Topics)
        {
            Assert.Equal(first.Predict(Probes)[topic], second.Predict(Probes)[topic]);
        }
    }

    [Fact]
    public void EmbeddingFeatures_SeparateOnTopicFromOffTopicPassages()
    {
        var (taxonomy, passages) = TopicFixtures.LoadSmall(_temp.Path);
        var model = TopicTrainer.Train(passages, taxonomy, Embedder());
        var p = model.Predict(Probes);

        Assert.Equal(["quantum", "spam"], model.Topics.Order());
        Assert.True(p["quantum"][0] > 0.5f && p["quantum"][2] < 0.5f, $"QKD probe {p["quantum"][0]}, codec probe {p["quantum"][2]} on quantum");
        Assert.True(p["spam"][1] > 0.5f && p["spam"][2] < 0.5f, $"robocall probe {p["spam"][1]}, codec probe {p["spam"][2]} on spam");
        Assert.True(p["quantum"][0] > p["quantum"][1], "the QKD probe should score higher on quantum than the robocall probe");
    }

    [Fact]
    public void EmbeddingFeatures_AreAnotherModel_SavedAndLoadedOnlyWithThoseEmbeddings()
    {
        var (taxonomy, passages) = TopicFixtures.LoadSmall(_temp.Path);
        var text = TopicTrainer.Train(passages, taxonomy);
        var embedded = TopicTrainer.Train(passages, taxonomy, Embedder());

        Assert.Null(text.EmbeddingModel);
        Assert.Equal(SharedModel.Instance.Name, embedded.EmbeddingModel);
        Assert.Equal(TrainingData.Fingerprint(passages, taxonomy), text.Info.TrainingFingerprint);
        Assert.Equal(text.Info.TrainingFingerprint + "+" + SharedModel.Instance.Name, embedded.Info.TrainingFingerprint);

        var path = _temp.Combine("models", "topics.embeddings.zip");
        embedded.Save(path);
        var loaded = TopicModel.Load(path, Embedder());
        Assert.Equal(embedded.Info.Topics, loaded.Info.Topics);
        Assert.Equal(SharedModel.Instance.Name, loaded.Info.EmbeddingModel);
        foreach (var topic in embedded.Topics)
        {
            Assert.Equal(embedded.Predict(Probes)[topic], loaded.Predict(Probes)[topic]);
        }

        var ex = Assert.Throws<TopicModelException>(() => TopicModel.Load(path));
        Assert.Contains("sentence embeddings", ex.Message, StringComparison.Ordinal);
    }
}
