using System.Diagnostics;
using Microsoft.ML;

namespace Search.Core.Classification;

/// <summary>Precision, recall and F1 of one topic.</summary>
public sealed record TopicScore(string Topic, int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : TruePositives / (double)(TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : TruePositives / (double)(TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public static double MacroF1(IEnumerable<TopicScore> scores) => scores.Select(s => s.F1).DefaultIfEmpty(0).Average();
}

/// <summary>
/// Trains the topic model deterministically (seeded context, one thread, fixed shuffles).
/// Thresholds: a model trained on 80% of the passages scores validation "documents" made of the
/// other 20% (15-35 passages each, as many as a real document has, one to four on the topic among
/// passages on nothing), scored like real documents by <see cref="TopicClassifier.Aggregate"/>;
/// each topic's threshold is the highest that keeps <see cref="TargetRecall"/> of them. The
/// saved model is then trained on all passages with those thresholds.
/// With a <see cref="PassageEmbedder"/>, each passage's sentence embedding is a feature beside the
/// text features, under the same rules (seed, split, thresholds); without one the model is the
/// product's, unchanged.
/// </summary>
public static class TopicTrainer
{
    public const int Seed = 20250;
    private const int MinimumPositives = 5;

    public static TopicModel Train(IReadOnlyList<LabelledPassage> passages, TopicTaxonomy taxonomy, PassageEmbedder? embedder = null)
    {
        ArgumentNullException.ThrowIfNull(passages);
        ArgumentNullException.ThrowIfNull(taxonomy);
        var clock = Stopwatch.StartNew();
        var topics = taxonomy.Ids.Where(t => passages.Count(p => p.Topics.Contains(t)) >= MinimumPositives).ToList();
        if (topics.Count == 0)
        {
            throw new InvalidOperationException($"no topic has {MinimumPositives} or more labelled passages to train on");
        }

        var shuffled = Shuffle(passages, Seed);
        var cut = (int)(shuffled.Count * 0.8);
        var train = shuffled.Take(cut).ToList();
        var validation = shuffled.Skip(cut).ToList();
        var provisional = Fit(train, topics, thresholds: null, "validation", 0, embedder);
        var thresholds = ChooseThresholds(provisional, validation, topics);

        // A model with embedding features is trained on the same passages but is another model: its fingerprint says so.
        var fingerprint = TrainingData.Fingerprint(passages, taxonomy) + (embedder is null ? string.Empty : "+" + embedder.ModelName);
        var model = Fit(passages, topics, thresholds, fingerprint, clock.Elapsed.TotalSeconds, embedder);
        return model;
    }

    /// <summary>k-fold cross-validation on the passages, scoring passages at the 0.5 probability line.</summary>
    public static IReadOnlyList<TopicScore> CrossValidate(IReadOnlyList<LabelledPassage> passages, TopicTaxonomy taxonomy, int folds, PassageEmbedder? embedder = null)
    {
        ArgumentNullException.ThrowIfNull(passages);
        ArgumentNullException.ThrowIfNull(taxonomy);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var topics = taxonomy.Ids.Where(t => passages.Count(p => p.Topics.Contains(t)) >= MinimumPositives).ToList();
        var shuffled = Shuffle(passages, Seed);
        var counts = topics.ToDictionary(t => t, _ => (Tp: 0, Fp: 0, Fn: 0));
        for (var fold = 0; fold < folds; fold++)
        {
            var test = shuffled.Where((_, i) => i % folds == fold).ToList();
            var train = shuffled.Where((_, i) => i % folds != fold).ToList();
            var model = Fit(train, topics, thresholds: null, "cv", 0, embedder);
            var probabilities = model.Predict(test.Select(p => p.Text).ToList());
            foreach (var topic in topics)
            {
                var c = counts[topic];
                for (var i = 0; i < test.Count; i++)
                {
                    var predicted = probabilities[topic][i] >= 0.5f;
                    var actual = test[i].Topics.Contains(topic);
                    c = (c.Tp + (predicted && actual ? 1 : 0), c.Fp + (predicted && !actual ? 1 : 0), c.Fn + (!predicted && actual ? 1 : 0));
                }

                counts[topic] = c;
            }
        }

        return topics.Select(t => new TopicScore(t, counts[t].Tp, counts[t].Fp, counts[t].Fn)).ToList();
    }

    private static TopicModel Fit(IReadOnlyList<LabelledPassage> passages, IReadOnlyList<string> topics, IReadOnlyDictionary<string, float>? thresholds, string fingerprint, double seconds, PassageEmbedder? embedder)
    {
        var clock = Stopwatch.StartNew();
        var ml = new MLContext(seed: Seed);
        ITransformer featurizer;
        Func<string, IDataView> labelled;
        if (embedder is null)
        {
            var text = ml.Data.LoadFromEnumerable(passages.Select(p => new TopicModel.TextRow { Text = p.Text }).ToList());
            featurizer = ml.Transforms.Text.FeaturizeText("Features", TopicModel.FeaturizerOptions(), nameof(TopicModel.TextRow.Text)).Fit(text);
            labelled = topic => ml.Data.LoadFromEnumerable(passages.Select(p => new TopicModel.LabelledRow { Text = p.Text, Label = p.Topics.Contains(topic) }).ToList());
        }
        else
        {
            var texts = passages.Select(p => p.Text).ToList();
            var vectors = embedder.Embed(texts);
            featurizer = TopicModel.EmbeddingFeaturizer(ml).Fit(TopicModel.EmbeddedRows(ml, texts, vectors, _ => false, embedder.Dimensions));
            labelled = topic => TopicModel.EmbeddedRows(ml, texts, vectors, i => passages[i].Topics.Contains(topic), embedder.Dimensions);
        }

        var models = new Dictionary<string, ITransformer>();
        foreach (var topic in topics)
        {
            var features = ml.Data.Cache(featurizer.Transform(labelled(topic)));
            models[topic] = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(TopicModel.TrainerOptions()).Fit(features);
        }

        var info = new TopicModelInfo(
            TopicModel.FormatVersion,
            fingerprint,
            DateTimeOffset.UtcNow,
            passages.Count,
            seconds + clock.Elapsed.TotalSeconds,
            topics.Select(t => new TopicThreshold(t, thresholds?.GetValueOrDefault(t, 0.5f) ?? 0.5f, passages.Count(p => p.Topics.Contains(t)))).ToList(),
            embedder?.ModelName);
        return new TopicModel(ml, featurizer, models, info, embedder);
    }

    /// <summary>Target recall on validation documents: each threshold is the highest that still finds this share of them.</summary>
    public const double TargetRecall = 0.95;

    /// <summary>
    /// Thresholds on validation documents built from held-out passages. Each is the highest score that
    /// still finds <see cref="TargetRecall"/> of the validation documents about the topic: as strict as
    /// possible, since a document rarely treats a topic without one passage the model is sure of.
    /// </summary>
    private static Dictionary<string, float> ChooseThresholds(TopicModel model, List<LabelledPassage> validation, List<string> topics)
    {
        var probabilities = model.Predict(validation.Select(p => p.Text).ToList());
        var random = new Random(Seed);
        var none = Enumerable.Range(0, validation.Count).Where(i => validation[i].Topics.Count == 0).ToList();
        var thresholds = new Dictionary<string, float>();
        foreach (var topic in topics)
        {
            var topical = Enumerable.Range(0, validation.Count).Where(i => validation[i].Topics.Contains(topic)).ToList();
            var positives = new List<float>();
            for (var d = 0; d < 400; d++)
            {
                // A validation document: 15-35 passages, as many as a real document has, one to four of them on the topic.
                var members = Enumerable.Range(0, 15 + random.Next(21)).Select(_ => none[random.Next(none.Count)]).ToList();
                members.AddRange(Enumerable.Range(0, 1 + random.Next(4)).Select(_ => topical[random.Next(topical.Count)]));
                positives.Add(TopicClassifier.Aggregate(members.Select(i => probabilities[topic][i]).ToArray()));
            }

            positives.Sort();
            var index = (int)Math.Floor((1 - TargetRecall) * positives.Count);
            thresholds[topic] = Math.Clamp(positives[index], 0.05f, 0.995f);
        }

        return thresholds;
    }

    private static List<LabelledPassage> Shuffle(IReadOnlyList<LabelledPassage> passages, int seed)
    {
        var list = passages.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        var random = new Random(seed);
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }

        return list;
    }
}
