using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Search.Core.Ingestion;

namespace Search.Core.Classification;

/// <summary>A topic given to a document: its confidence (the best passage's probability), the passage that is the best evidence, and whether a user set it.</summary>
public sealed record TopicAssignment(string Topic, float Confidence, string? Evidence, bool Overridden = false);

/// <summary>A document's topics and the model that gave them (<see cref="TopicClassifier.TextModelName"/> or <see cref="TopicClassifier.RefinedModelName"/>).</summary>
public sealed record TopicTagging(IReadOnlyList<TopicAssignment> Topics, string Model);

/// <summary>
/// Tags documents with topics. Passages are classified one by one and a topic's document score is
/// its best passage's probability (max, <see cref="Aggregate"/>): a document that treats a topic in
/// one paragraph, as the seed liaison does for each of its three, gets the tag, with that passage as
/// evidence; the thresholds are strict (see <see cref="TopicTrainer"/>) so that a vague sentence does
/// not. The model is loaded from
/// <see cref="SearchOptions.ModelPath"/>, or trained from the training passages (deterministically)
/// when missing, stale, corrupt or of another format.
/// With semantic search on, a second model also takes each passage's sentence embedding as features
/// (the refined model, measured better: see README). Embedding a document's passages costs far more
/// than reading it, so ingestion tags with the text model unless the refined model and the passages'
/// vectors are at hand, and <see cref="TopicRefiner"/> re-tags the rest in the background.
/// </summary>
public sealed partial class TopicClassifier(IOptions<SearchOptions> options, ILogger<TopicClassifier> logger, Semantic.IEmbeddingModel? embeddingModel = null) : IDisposable
{
    /// <summary>The name of the text-features model in <see cref="TopicTagging.Model"/>.</summary>
    public const string TextModelName = "text";

    private readonly System.Threading.Lock _lock = new();
    private readonly System.Threading.Lock _refinedLock = new();
    private TopicModel? _model;
    private TopicModel? _refined;
    private (string Path, DateTime Written)? _unusableRefined;
    private Semantic.EmbeddingCache? _cache;
    private PassageEmbedder? _embedder;
    private TopicTaxonomy? _taxonomy;
    private bool _unavailable;

    /// <summary>True when documents are re-tagged with the model that also reads sentence embeddings.</summary>
    public bool RefinesWithEmbeddings =>
        embeddingModel is not null && options.Value.TopicEmbeddings && options.Value.SemanticEnabled && IsEnabled;

    /// <summary>The name of the refined model in <see cref="TopicTagging.Model"/>: text and which embeddings.</summary>
    public string RefinedModelName => $"{TextModelName}+{embeddingModel?.Name ?? "embeddings"}";

    /// <summary>Where the refined model is saved: beside the text model.</summary>
    public string RefinedModelPath =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.Value.ModelPath))!, Path.GetFileNameWithoutExtension(options.Value.ModelPath) + ".embeddings.zip");

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

    /// <summary>Identifies the model's behaviour; part of each document's hash so that a new model re-tags documents.</summary>
    public string Fingerprint => Model() is { } m ? $"{m.Info.TrainingFingerprint}/{TopicModel.FormatVersion}" : "none";

    /// <summary>The model in use (loaded or trained on first use), or null when topics are unavailable.</summary>
    public TopicModel? Model()
    {
        if (!options.Value.TopicsEnabled)
        {
            return null;
        }

        lock (_lock)
        {
            if (_model is not null || _unavailable)
            {
                return _model;
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
            if (File.Exists(settings.ModelPath))
            {
                try
                {
                    var loaded = TopicModel.Load(settings.ModelPath);
                    if (loaded.Info.TrainingFingerprint == fingerprint)
                    {
                        _model = loaded;
                        return _model;
                    }

                    LogStale(settings.ModelPath);
                }
                catch (TopicModelException ex)
                {
                    LogCorrupt(settings.ModelPath, ex.Message);
                }
            }

            _model = TrainAndSave(passages, _taxonomy);
            return _model;
        }
    }

    /// <summary>Trains a new model from the training passages and saves it, replacing the one in use (the refined model is trained again when next needed).</summary>
    public TopicModel Retrain()
    {
        var settings = options.Value;
        lock (_lock)
        {
            _taxonomy = TopicTaxonomy.Load(settings.TopicsPath);
            var passages = TrainingData.Load(settings.TrainingPath, _taxonomy);
            _model = TrainAndSave(passages, _taxonomy);
            _unavailable = false;
        }

        lock (_refinedLock)
        {
            _refined = null;
            File.Delete(RefinedModelPath);
        }

        return _model;
    }

    /// <summary>
    /// The model with embedding features: loaded from <see cref="RefinedModelPath"/> when it matches the
    /// training passages, else trained (embedding the training passages, cached) and saved when
    /// <paramref name="train"/>; null when refinement is off or the model is neither there nor trained.
    /// </summary>
    public TopicModel? RefinedModel(bool train)
    {
        if (!RefinesWithEmbeddings || Model() is not { } text)
        {
            return null;
        }

        lock (_refinedLock)
        {
            var fingerprint = text.Info.TrainingFingerprint + "+" + embeddingModel!.Name;
            if (_refined is not null && _refined.Info.TrainingFingerprint == fingerprint)
            {
                return _refined;
            }

            _refined = null;
            var path = RefinedModelPath;
            var written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : default;
            if (File.Exists(path) && (train || _unusableRefined != (path, written)))
            {
                try
                {
                    var loaded = TopicModel.Load(path, Embedder());
                    if (loaded.Info.TrainingFingerprint == fingerprint)
                    {
                        return _refined = loaded;
                    }

                    LogStale(path);
                }
                catch (TopicModelException ex)
                {
                    LogCorrupt(path, ex.Message);
                }

                _unusableRefined = (path, written); // said once, not for every document ingested
            }

            if (!train)
            {
                return null;
            }

            var clock = Stopwatch.StartNew();
            var taxonomy = TopicTaxonomy.Load(options.Value.TopicsPath);
            var passages = TrainingData.Load(options.Value.TrainingPath, taxonomy);
            var model = TopicTrainer.Train(passages, taxonomy, Embedder());
            model.Save(path);
            LogTrained(passages.Count, clock.Elapsed.TotalSeconds, path);
            return _refined = model;
        }
    }

    /// <summary>The embeddings of classification passages, through their own cache file (<see cref="SearchOptions.TopicEmbeddingCachePath"/>).</summary>
    public PassageEmbedder Embedder()
    {
        if (embeddingModel is null)
        {
            throw new InvalidOperationException("no embedding model");
        }

        lock (_refinedLock)
        {
            _cache ??= new Semantic.EmbeddingCache(options.Value.TopicEmbeddingCachePath.Length == 0 ? null : options.Value.TopicEmbeddingCachePath, embeddingModel.Dimensions);
            return _embedder ??= new PassageEmbedder(embeddingModel, _cache);
        }
    }

    /// <summary>
    /// Tags a document as ingestion does: with the refined model when it is loaded and every passage's
    /// vector is cached (no embedding while indexing), otherwise with the text model.
    /// </summary>
    public TopicTagging TagForIngestion(ExtractedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var passages = PassageSplitter.Split(text);
        if (RefinedModel(train: false) is { } refined && Embedder().CountUncached(passages) == 0)
        {
            return new TopicTagging(Decide(refined, passages), RefinedModelName);
        }

        return new TopicTagging(TagText(passages), TextModelName);
    }

    /// <summary>The text model's topics whose score reaches their threshold, each with its evidence passage; none when topics are unavailable.</summary>
    public IReadOnlyList<TopicAssignment> TagText(IReadOnlyList<string> passages)
    {
        ArgumentNullException.ThrowIfNull(passages);
        return Model() is { } model ? Decide(model, passages) : [];
    }

    /// <summary>Tags passages with the refined model, embedding those not cached yet; null when there is no refined model.</summary>
    public TopicTagging? TagRefined(IReadOnlyList<string> passages)
    {
        ArgumentNullException.ThrowIfNull(passages);
        return RefinedModel(train: false) is { } refined ? new TopicTagging(Decide(refined, passages), RefinedModelName) : null;
    }

    private static List<TopicAssignment> Decide(TopicModel model, IReadOnlyList<string> passages) =>
        Score(model, passages).Where(s => s.Confidence >= model.ThresholdOf(s.Topic)).ToList();

    public void Dispose() => _cache?.Dispose();

    /// <summary>Every topic's document score and best passage, whether or not it reaches the threshold.</summary>
    public static IReadOnlyList<TopicAssignment> Score(TopicModel model, IReadOnlyList<string> passages)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(passages);
        var probabilities = model.Predict(passages);
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

    private TopicModel TrainAndSave(IReadOnlyList<LabelledPassage> passages, TopicTaxonomy taxonomy)
    {
        var clock = Stopwatch.StartNew();
        var model = TopicTrainer.Train(passages, taxonomy);
        model.Save(options.Value.ModelPath);
        LogTrained(passages.Count, clock.Elapsed.TotalSeconds, options.Value.ModelPath);
        return model;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained the topic model on {Passages} passages in {Seconds:0.0} s; saved to {Path}")]
    private partial void LogTrained(int passages, double seconds, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The topic model at {Path} cannot be used ({Reason}); it is trained again")]
    private partial void LogCorrupt(string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The topic model at {Path} was trained on other passages; it is trained again")]
    private partial void LogStale(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topics are unavailable: no taxonomy at {Taxonomy} or no training folder at {Training}")]
    private partial void LogUnavailable(string taxonomy, string training);
}
