using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Search.Core.Indexing;
using Search.Core.Semantic;

namespace Search.Core.Classification;

/// <summary>
/// The topic models and the rule that turns passage probabilities into document topics. Passages are
/// classified one by one and a topic's document score is its best passage's probability (max,
/// <see cref="Aggregate"/>): a document that treats a topic in one paragraph, as the seed liaison
/// does for each of its three, gets the tag, with that passage as evidence; the thresholds are strict
/// (see <see cref="TopicTrainer"/>) so that a vague sentence does not.
/// Two models, run by the same tagger (<see cref="TopicTagger"/>): one on text features, and, with
/// semantic search on, one that also reads each passage's sentence embedding (measured better, see
/// README), used for every document whose passages the semantic index has embedded, with those very
/// vectors. Both live in the index folder (<c>models/</c>), loaded when they match the training
/// passages, else trained (deterministically) and saved; a model saved by another process (say
/// <c>search train</c>) is picked up.
/// </summary>
public sealed partial class TopicClassifier(IndexStore store, IOptions<SearchOptions> options, ILogger<TopicClassifier> logger, SemanticIndex? semantic = null)
{
    /// <summary>The name of the text-features model in <see cref="TopicTagging.Model"/>.</summary>
    public const string TextModelName = "text";

    private readonly System.Threading.Lock _lock = new();
    private readonly System.Threading.Lock _refinedLock = new();
    private (TopicModel Model, DateTime Written)? _model;
    private (TopicModel Model, DateTime Written)? _refined;
    private (string Path, DateTime Written)? _unusableRefined;
    private PassageEmbedder? _embedder;
    private TopicTaxonomy? _taxonomy;
    private bool _unavailable;

    /// <summary>True when documents with vectors are tagged with the model that also reads sentence embeddings.</summary>
    public bool RefinesWithEmbeddings =>
        semantic is not null && options.Value.TopicEmbeddings && options.Value.SemanticEnabled && IsEnabled;

    /// <summary>The name of the model with embeddings in <see cref="TopicTagging.Model"/>: text and which embeddings.</summary>
    public string RefinedModelName => $"{TextModelName}+{semantic?.Model.Name ?? "embeddings"}";

    public string ModelPath => store.PathOf("models", "topics.zip");

    public string RefinedModelPath => store.PathOf("models", "topics.embeddings.zip");

    /// <summary>False when topics are switched off or there is no taxonomy or training data to build a model from.</summary>
    public bool IsEnabled => options.Value.TopicsEnabled && Model() is not null;

    public TopicTaxonomy? Taxonomy
    {
        get
        {
            Model();
            return _taxonomy;
        }
    }

    /// <summary>The identity of a trained model, stored with the documents it tagged.</summary>
    public static string IdOf(TopicModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return $"{model.Info.TrainingFingerprint}/{TopicModel.FormatVersion}";
    }

    /// <summary>The text model (loaded or trained on first use, reloaded when another process saved a new one), or null when topics are unavailable.</summary>
    public TopicModel? Model()
    {
        if (!options.Value.TopicsEnabled)
        {
            return null;
        }

        lock (_lock)
        {
            if (_unavailable)
            {
                return null;
            }

            if (_model is { } current && current.Written == WrittenAt(ModelPath))
            {
                return current.Model;
            }

            var settings = options.Value;
            if (!File.Exists(settings.TopicsPath) || !Directory.Exists(settings.TrainingPath))
            {
                LogUnavailable(settings.TopicsPath, settings.TrainingPath);
                _unavailable = true;
                return null;
            }

            _taxonomy = TopicTaxonomy.Load(settings.TopicsPath);
            var passages = TrainingData.Load(settings.TrainingPath, _taxonomy);
            var fingerprint = TrainingData.Fingerprint(passages, _taxonomy);
            if (File.Exists(ModelPath))
            {
                try
                {
                    var written = WrittenAt(ModelPath);
                    var loaded = TopicModel.Load(ModelPath);
                    if (loaded.Info.TrainingFingerprint == fingerprint)
                    {
                        _model = (loaded, written);
                        return loaded;
                    }

                    LogStale(ModelPath);
                }
                catch (TopicModelException ex)
                {
                    LogCorrupt(ModelPath, ex.Message);
                }
            }

            var model = TrainAndSave(passages, _taxonomy, embedder: null, ModelPath);
            _model = (model, WrittenAt(ModelPath));
            return model;
        }
    }

    /// <summary>Trains both models again from the training passages and saves them (documents are re-tagged by the next catch-up, since the models' identity changed only if the passages did).</summary>
    public TopicModel Retrain()
    {
        var settings = options.Value;
        TopicModel model;
        lock (_lock)
        {
            _taxonomy = TopicTaxonomy.Load(settings.TopicsPath);
            var passages = TrainingData.Load(settings.TrainingPath, _taxonomy);
            model = TrainAndSave(passages, _taxonomy, embedder: null, ModelPath);
            _model = (model, WrittenAt(ModelPath));
            _unavailable = false;
        }

        lock (_refinedLock)
        {
            _refined = null;
            File.Delete(RefinedModelPath);
        }

        return model;
    }

    /// <summary>
    /// The model with embedding features: loaded from <see cref="RefinedModelPath"/> when it matches the
    /// training passages, else trained (embedding the training passages through the one cache) and saved when
    /// <paramref name="train"/>; null when embeddings are off or the model is neither there nor trained.
    /// </summary>
    public TopicModel? RefinedModel(bool train)
    {
        if (!RefinesWithEmbeddings || Model() is not { } text)
        {
            return null;
        }

        lock (_refinedLock)
        {
            var fingerprint = text.Info.TrainingFingerprint + "+" + semantic!.Model.Name;
            var path = RefinedModelPath;
            var written = WrittenAt(path);
            if (_refined is { } current && current.Model.Info.TrainingFingerprint == fingerprint && current.Written == written)
            {
                return current.Model;
            }

            _refined = null;
            if (File.Exists(path) && (train || _unusableRefined != (path, written)))
            {
                try
                {
                    var loaded = TopicModel.Load(path, Embedder());
                    if (loaded.Info.TrainingFingerprint == fingerprint)
                    {
                        _refined = (loaded, written);
                        return loaded;
                    }

                    LogStale(path);
                }
                catch (TopicModelException ex)
                {
                    LogCorrupt(path, ex.Message);
                }

                _unusableRefined = (path, written); // said once, not for every document
            }

            if (!train)
            {
                return null;
            }

            var taxonomy = TopicTaxonomy.Load(options.Value.TopicsPath);
            var passages = TrainingData.Load(options.Value.TrainingPath, taxonomy);
            var model = TrainAndSave(passages, taxonomy, Embedder(), path);
            _refined = (model, WrittenAt(path));
            return model;
        }
    }

    /// <summary>The embeddings of passages, through the index's one cache.</summary>
    public PassageEmbedder Embedder()
    {
        if (semantic is null)
        {
            throw new InvalidOperationException("no embedding model");
        }

        lock (_refinedLock)
        {
            return _embedder ??= new PassageEmbedder(semantic.Model, semantic.Cache);
        }
    }

    /// <summary>
    /// Tags documents by their passages: a document whose passages' <c>Vectors</c> are given, with the
    /// model with embeddings (<paramref name="refined"/>, when there is one), the others with the text
    /// model; null for a document when topics are unavailable. One prediction per model over all the
    /// documents' passages (building ML.NET's data view and transforms costs more than classifying).
    /// </summary>
    public IReadOnlyList<TopicTagging?> TagMany(IReadOnlyList<(IReadOnlyList<string> Passages, IReadOnlyList<float[]>? Vectors)> documents, TopicModel? refined)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var result = new TopicTagging?[documents.Count];
        var text = Model();
        var withVectors = documents.Select((d, i) => (d, i)).Where(x => refined is not null && x.d.Vectors is not null).Select(x => x.i).ToList();
        var withText = documents.Select((d, i) => (d, i)).Where(x => refined is null || x.d.Vectors is null).Select(x => x.i).ToList();
        if (refined is not null)
        {
            Batch(refined, withVectors, RefinedModelName, useVectors: true);
        }

        if (text is not null)
        {
            Batch(text, withText, TextModelName, useVectors: false);
        }

        return result;

        void Batch(TopicModel model, List<int> members, string name, bool useVectors)
        {
            if (members.Count == 0)
            {
                return;
            }

            var passages = members.SelectMany(i => documents[i].Passages).ToList();
            var vectors = useVectors ? members.SelectMany(i => documents[i].Vectors!).ToList() : null;
            var probabilities = model.Predict(passages, vectors);
            var offset = 0;
            foreach (var i in members)
            {
                var count = documents[i].Passages.Count;
                var own = probabilities.ToDictionary(p => p.Key, p => p.Value.AsSpan(offset, count).ToArray());
                offset += count;
                var scores = Scores(model, documents[i].Passages, own);
                result[i] = new TopicTagging(scores.Where(s => s.Confidence >= model.ThresholdOf(s.Topic)).ToList(), name, IdOf(model));
            }
        }
    }

    /// <summary>The text model's topics whose score reaches their threshold, each with its evidence passage; none when topics are unavailable.</summary>
    public IReadOnlyList<TopicAssignment> TagText(IReadOnlyList<string> passages)
    {
        ArgumentNullException.ThrowIfNull(passages);
        return Model() is { } model ? Decide(model, passages, null) : [];
    }

    /// <summary>Tags passages with the model with embeddings, embedding them through the cache; null when there is no such model.</summary>
    public TopicTagging? TagRefined(IReadOnlyList<string> passages)
    {
        ArgumentNullException.ThrowIfNull(passages);
        return RefinedModel(train: false) is { } refined ? new TopicTagging(Decide(refined, passages, null), RefinedModelName, IdOf(refined)) : null;
    }

    private static List<TopicAssignment> Decide(TopicModel model, IReadOnlyList<string> passages, IReadOnlyList<float[]>? vectors) =>
        Score(model, passages, vectors).Where(s => s.Confidence >= model.ThresholdOf(s.Topic)).ToList();

    /// <summary>Every topic's document score and best passage, whether or not it reaches the threshold.</summary>
    public static IReadOnlyList<TopicAssignment> Score(TopicModel model, IReadOnlyList<string> passages, IReadOnlyList<float[]>? vectors = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(passages);
        return Scores(model, passages, model.Predict(passages, vectors));
    }

    /// <summary>Every topic's document score and best passage from its passages' probabilities.</summary>
    private static List<TopicAssignment> Scores(TopicModel model, IReadOnlyList<string> passages, IReadOnlyDictionary<string, float[]> probabilities)
    {
        var result = new List<TopicAssignment>();
        foreach (var topic in model.Topics)
        {
            var scores = probabilities[topic];
            if (scores.Length == 0)
            {
                result.Add(new TopicAssignment(topic, 0, null));
                continue;
            }

            var best = 0;
            for (var i = 1; i < scores.Length; i++)
            {
                if (scores[i] > scores[best])
                {
                    best = i;
                }
            }

            result.Add(new TopicAssignment(topic, MathF.Round(TopicDecision.Aggregate(scores, passages), 4), passages[best]));
        }

        return result;
    }

    /// <summary>A document's score for a topic from its passages' probabilities: the best passage's.</summary>
    public static float Aggregate(float[] passageProbabilities)
    {
        ArgumentNullException.ThrowIfNull(passageProbabilities);
        return passageProbabilities.Length == 0 ? 0 : passageProbabilities.Max();
    }

    private static DateTime WrittenAt(string path) => File.Exists(path) ? File.GetLastWriteTimeUtc(path) : default;

    /// <summary>Trains a model and saves it in the index folder; a read-only folder keeps it in memory only.</summary>
    private TopicModel TrainAndSave(IReadOnlyList<LabelledPassage> passages, TopicTaxonomy taxonomy, PassageEmbedder? embedder, string path)
    {
        var clock = Stopwatch.StartNew();
        var model = TopicTrainer.Train(passages, taxonomy, embedder);
        try
        {
            model.Save(path);
            LogTrained(passages.Count, clock.Elapsed.TotalSeconds, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogNotSaved(path, ex.Message);
        }

        return model;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained the topic model on {Passages} passages in {Seconds:0.0} s; saved to {Path}")]
    private partial void LogTrained(int passages, double seconds, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The topic model could not be saved to {Path} ({Reason}); it is kept in memory")]
    private partial void LogNotSaved(string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The topic model at {Path} cannot be used ({Reason}); it is trained again")]
    private partial void LogCorrupt(string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The topic model at {Path} was trained on other passages; it is trained again")]
    private partial void LogStale(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topics are unavailable: no taxonomy at {Taxonomy} or no training folder at {Training}")]
    private partial void LogUnavailable(string taxonomy, string training);
}
