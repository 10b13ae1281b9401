using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using Microsoft.ML.Data;
using Search.Core.Classification;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Semantic;
using Search.Core.Tests.Corpus;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Classification;

/// <summary>
/// The classifier trained on the bundled training passages, on the seed liaison and on texts it never
/// saw: both models, the text one (used while indexing) and the one that also reads embeddings.
/// </summary>
public sealed class SeedTopicsTests : IClassFixture<SeedTopicsTests.TrainedClassifier>
{
    private readonly TopicClassifier _classifier;

    public SeedTopicsTests(TrainedClassifier fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _classifier = fixture.Classifier;
    }

    public sealed class TrainedClassifier : IDisposable
    {
        private readonly TempFolder _temp = new();

        public TrainedClassifier()
        {
            var options = TestOptions.Create(o =>
            {
                o.IndexPath = _temp.Combine("index");
                o.TopicsPath = Path.Combine(RepoPaths.Corpus, "topics.tsv");
                o.TrainingPath = Path.Combine(RepoPaths.Corpus, "training");
                o.SemanticEnabled = true;
            });
            _store = new IndexStore(options);
            _semantic = new SemanticIndex(_store, SharedModel.Instance, options, NullLogger<SemanticIndex>.Instance);
            Classifier = new TopicClassifier(_store, options, NullLogger<TopicClassifier>.Instance, _semantic);
        }

        private readonly IndexStore _store;
        private readonly SemanticIndex _semantic;

        public TopicClassifier Classifier { get; }

        public void Dispose()
        {
            _semantic.Dispose();
            _store.Dispose();
            _temp.Dispose();
        }
    }

    public static TheoryData<string> Models => [TopicClassifier.TextModelName, "refined"];

    private IReadOnlyList<TopicAssignment> Tag(string model, ExtractedText text)
    {
        if (model == TopicClassifier.TextModelName)
        {
            return _classifier.TagText(PassagesOf(text));
        }

        Assert.NotNull(_classifier.RefinedModel(train: true));
        return _classifier.TagRefined(PassagesOf(text))!.Topics;
    }

    /// <summary>A document's passages as the index cuts them.</summary>
    private static IReadOnlyList<string> PassagesOf(ExtractedText text) =>
        TopicEvaluator.PassagesOf(new LabelledDocument("document.txt", text, new HashSet<string>()));

    [SharedTheory("seed")]
    [MemberData(nameof(Models))]
    public void SeedLiaison_IsTaggedWithAllThreeTopics_EachWithEvidenceAboutIt(string model)
    {
        var text = new TextFileReader(TestOptions.Create()).Read(RepoPaths.SeedLiaison, CancellationToken.None);

        var topics = Tag(model, text).ToDictionary(t => t.Topic);

        Assert.Equal(["counterfeit", "iot", "quantum"], topics.Keys.Order());
        Assert.Contains("counterfeit", topics["counterfeit"].Evidence!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("quantum", topics["quantum"].Evidence!, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("(?i)IoT|smart cities", topics["iot"].Evidence!);
        Assert.All(topics.Values, t => Assert.InRange(t.Confidence, 0.5f, 1f));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void DocumentWithoutSecurityContent_GetsNoTopic(string model)
    {
        var text = TextFileReader.FromPlainText("""
            Title: Draft new Recommendation on video quality for adaptive streaming

            This contribution proposes test conditions for the subjective assessment of adaptive streaming sessions at bit rates between 1 and 25 Mbit/s.

            The viewing distance, display size and the stalling events to be simulated are listed in clause 3. Mean opinion scores will be collected from at least 24 viewers per condition.

            The model of P.1203 is used as the reference for the integration of audio and video quality over a session of five minutes.
            """);

        Assert.Empty(Tag(model, text));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void AParagraphOnATopic_GivesTheTag_WithThatParagraphAsEvidence(string model)
    {
        var text = TextFileReader.FromPlainText("""
            This contribution reports the results of the interoperability test event for VoLTE roaming held in March.

            Twelve operators took part and 340 test cases were executed across eight interconnection points.

            Separately, counterfeit handsets with cloned IMEI numbers could not be blocked by the equipment identity register when they were reported stolen.

            The next event will also invite vendors of customer premises equipment.
            """);

        var topics = Tag(model, text);

        var counterfeit = Assert.Single(topics);
        Assert.Equal("counterfeit", counterfeit.Topic);
        Assert.StartsWith("Separately, counterfeit handsets", counterfeit.Evidence, StringComparison.Ordinal);
    }

    /// <summary>
    /// The text model is scored directly (<see cref="TextTopicScorer"/>), the model with embeddings row by
    /// row through pooled prediction engines; both must give the numbers of the data view over all passages
    /// (featurized once, cached, then read by each topic's regression), so that no document's topics change:
    /// the engines the very same numbers, the direct scorer the same up to float rounding (sums in another
    /// order) and the same decision at every topic's threshold. Every passage of the bundled corpus with the
    /// text model; a few documents with the model with embeddings (embedding all of them would be slow).
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void Predict_GivesTheProbabilitiesOfTheDataView_OnTheBundledCorpus(string model)
    {
        var topics = model == TopicClassifier.TextModelName ? _classifier.Model()! : _classifier.RefinedModel(train: true)!;
        var documents = CorpusFiles.Texts.OrderBy(t => t.Key, StringComparer.Ordinal).Take(model == TopicClassifier.TextModelName ? int.MaxValue : 6);
        var passages = documents.SelectMany(d => PassagesOf(d.Value)).ToList();
        var vectors = topics.EmbeddingModel is null ? null : _classifier.Embedder().Embed(passages);

        var predicted = topics.Predict(passages, vectors);

        var ml = new MLContext(seed: TopicTrainer.Seed);
        var rows = vectors is null
            ? ml.Data.LoadFromEnumerable(passages.Select(p => new TopicModel.TextRow { Text = p }).ToList())
            : TopicModel.EmbeddedRows(ml, passages, vectors, _ => false, vectors[0].Length);
        var features = ml.Data.Cache(topics.Featurizer.Transform(rows));
        Assert.True(passages.Count > (vectors is null ? 1000 : 20), $"only {passages.Count} passages");
        Assert.Equal(vectors is null, topics.ScoresDirectly);
        foreach (var topic in topics.Topics)
        {
            var expected = topics.TopicTransformers[topic].Transform(features).GetColumn<float>("Probability").ToArray();
            if (!topics.ScoresDirectly)
            {
                Assert.Equal(expected, predicted[topic]);
                continue;
            }

            var threshold = topics.ThresholdOf(topic);
            Assert.Equal(expected.Length, predicted[topic].Length);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - predicted[topic][i]) <= 1e-5, $"{topic}, passage {i}: {predicted[topic][i]} where ML.NET gives {expected[i]}: {passages[i]}");
                Assert.True(expected[i] >= threshold == predicted[topic][i] >= threshold, $"{topic}, passage {i}: another decision at {threshold}");
            }

            // Passages that score high and low: the comparison is not only on the regression's bias.
            Assert.Contains(expected, p => p >= threshold);
            Assert.True(expected.Max() - expected.Min() > 0.5, $"{topic}: probabilities from {expected.Min()} to {expected.Max()}");
        }
    }

    /// <summary>The engines give what the direct scorer gives, on texts that stress the featurizer's steps (case, diacritics, punctuation, stop words, spacing).</summary>
    [Fact]
    public void DirectScorer_AgreesWithTheEngines_OnAwkwardTexts()
    {
        var topics = _classifier.Model()!;
        string[] texts =
        [
            string.Empty,
            " ",
            "a",
            "The",
            "QUANTUM Key Distribution (QKD) networks: trusted nodes, keys, and the relay.",
            "Cafés naïfs — Ångström, Œuvre; ÇA! résumé... «quantum» 'key' \"distribution\"",
            "  counterfeit   devices\twith\u00a0cloned IMEI   numbers  ",
            "Robocalls | spam | caller-ID spoofing || STIR/SHAKEN",
            "5G IoT 2024 Q.17/13 H.264 X.509 10.5 % 1,000,000",
            "Ελληνικά κείμενα και кириллица тоже, 日本語のテキスト",
            "of the and to in a is that for it as was with be by on not he",
            new string('x', 5000),
        ];

        var direct = topics.Predict(texts);
        var engines = topics.PredictWithEngines(texts, vectors: null);

        Assert.True(topics.ScoresDirectly);
        foreach (var topic in topics.Topics)
        {
            for (var i = 0; i < texts.Length; i++)
            {
                Assert.True(Math.Abs(engines[topic][i] - direct[topic][i]) <= 1e-5, $"{topic}: {direct[topic][i]} where ML.NET gives {engines[topic][i]} for '{texts[i]}'");
            }
        }
    }
}
