using Microsoft.Extensions.Logging.Abstractions;
using Search.Core.Classification;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Classification;

public sealed class TopicModelTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string[] Probes => TopicFixtures.Probes;

    [Fact]
    public void Training_IsDeterministic()
    {
        var (taxonomy, passages) = TopicFixtures.LoadSmall(_temp.Path);

        var first = TopicTrainer.Train(passages, taxonomy);
        var second = TopicTrainer.Train(passages, taxonomy);

        Assert.Equal(first.Info.Topics, second.Info.Topics);
        Assert.Equal(first.Info.TrainingFingerprint, second.Info.TrainingFingerprint);
        foreach (var topic in first.Topics)
        {
            Assert.Equal(first.Predict(Probes)[topic], second.Predict(Probes)[topic]);
        }
    }

    [Fact]
    public void Model_LearnsTheTopicsOfTheFixture()
    {
        var (taxonomy, passages) = TopicFixtures.LoadSmall(_temp.Path);
        var model = TopicTrainer.Train(passages, taxonomy);
        var p = model.Predict(Probes);

        Assert.Equal(["quantum", "spam"], model.Topics.Order());
        Assert.True(p["quantum"][0] > p["quantum"][1] && p["quantum"][0] > p["quantum"][2], "the QKD probe should score highest on quantum");
        Assert.True(p["spam"][1] > p["spam"][0] && p["spam"][1] > p["spam"][2], "the robocall probe should score highest on spam");
    }

    [Fact]
    public void SavedModel_LoadsWithItsThresholdsAndPredictsTheSame()
    {
        var (taxonomy, passages) = TopicFixtures.LoadSmall(_temp.Path);
        var model = TopicTrainer.Train(passages, taxonomy);
        var path = _temp.Combine("models", "topics.zip");
        model.Save(path);

        var loaded = TopicModel.Load(path);

        Assert.Equal(model.Info.Topics, loaded.Info.Topics);
        Assert.All(loaded.Info.Topics, t => Assert.InRange(t.Threshold, 0.01f, 0.99f));
        Assert.Equal(model.Info.TrainingFingerprint, loaded.Info.TrainingFingerprint);
        foreach (var topic in model.Topics)
        {
            Assert.Equal(model.Predict(Probes)[topic], loaded.Predict(Probes)[topic]);
            Assert.Equal(model.ThresholdOf(topic), loaded.ThresholdOf(topic));
        }
    }

    [Fact]
    public void Predict_FromManyThreadsAtOnce_GivesWhatItGivesSerially()
    {
        var (taxonomy, passages) = TopicFixtures.LoadSmall(_temp.Path);
        var model = TopicTrainer.Train(passages, taxonomy);
        var shares = Enumerable.Range(0, 16)
            .Select(i => (IReadOnlyList<string>)[.. Probes.Select(p => $"{p} {i}"), .. passages.Skip(i * 3).Take(20).Select(p => p.Text)])
            .ToList();
        var serial = shares.Select(s => model.Predict(s)).ToList();

        var parallel = new IReadOnlyDictionary<string, float[]>[shares.Count];
        Parallel.For(0, shares.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = model.Predict(shares[i]));

        for (var i = 0; i < shares.Count; i++)
        {
            foreach (var topic in model.Topics)
            {
                Assert.Equal(serial[i][topic], parallel[i][topic]);
            }
        }
    }

    [Fact]
    public void CorruptOrForeignModelFiles_GiveAClearError()
    {
        var garbage = _temp.WriteBytes("garbage.zip", [1, 2, 3, 4, 5]);
        var ex = Assert.Throws<TopicModelException>(() => TopicModel.Load(garbage));
        Assert.Contains("garbage.zip", ex.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);

        var foreign = _temp.Combine("foreign.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(foreign, System.IO.Compression.ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("model.json").Open());
            writer.Write("""{"formatVersion": 99, "trainingFingerprint": "x", "trainedAt": "2026-01-01T00:00:00Z", "trainingPassages": 1, "trainingSeconds": 1, "topics": []}""");
        }

        var version = Assert.Throws<TopicModelException>(() => TopicModel.Load(foreign));
        Assert.Contains("format version 99", version.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classifier_RetrainsWhenTheSavedModelIsCorrupt_InsteadOfFailing()
    {
        var (taxonomyPath, trainingPath) = TopicFixtures.WriteSmall(_temp.Path);
        var modelPath = _temp.WriteBytes(Path.Combine("index", "models", "topics.zip"), "not a zip at all"u8.ToArray());
        var options = TestOptions.Create(o =>
        {
            o.IndexPath = _temp.Combine("index");
            o.TopicsPath = taxonomyPath;
            o.TrainingPath = trainingPath;
        });

        using var store = new Search.Core.Indexing.IndexStore(options);
        var classifier = new TopicClassifier(store, options, NullLogger<TopicClassifier>.Instance);

        Assert.True(classifier.IsEnabled);
        Assert.Equal(["quantum", "spam"], classifier.Model()!.Topics.Order());
        Assert.NotNull(TopicModel.Load(modelPath)); // a good model replaced the corrupt file
    }

    [Fact]
    public void Classifier_IsDisabled_WhenThereIsNoTaxonomy()
    {
        var options = TestOptions.Create(o =>
        {
            o.TopicsPath = _temp.Combine("missing.tsv");
            o.TrainingPath = _temp.Combine("missing");
            o.IndexPath = _temp.Combine("index");
        });
        using var store = new Search.Core.Indexing.IndexStore(options);
        var classifier = new TopicClassifier(store, options, NullLogger<TopicClassifier>.Instance);

        Assert.False(classifier.IsEnabled);
        Assert.Empty(classifier.TagText(["Quantum keys are exchanged between the two nodes of the network."]));
    }

    [Fact]
    public void Taxonomy_IsData_AndBadRowsNameTheLine()
    {
        var path = _temp.Write("topics.tsv", "id\tlabel\tdescription\nai-security\tAI security\tAttacks on and with AI\nbad id!\tx\ty\n");
        var ex = Assert.Throws<FormatException>(() => TopicTaxonomy.Load(path));
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);

        File.WriteAllText(path, "id\tlabel\tdescription\nai-security\tAI security\tAttacks on and with AI\n");
        Assert.Equal(["ai-security"], TopicTaxonomy.Load(path).Ids);
    }

    [Theory]
    [InlineData(new float[] { }, 0f)]
    [InlineData(new[] { 0.9f }, 0.9f)]
    [InlineData(new[] { 0.2f, 0.9f, 0.5f }, 0.9f)]
    public void DocumentScore_IsTheBestPassage(float[] passages, float expected)
    {
        Assert.Equal(expected, TopicClassifier.Aggregate(passages), 3);
    }
}
