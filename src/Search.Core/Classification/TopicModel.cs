using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace Search.Core.Classification;

/// <summary>What is saved beside the ML.NET models: the format version, topics with thresholds, and what the model was trained on.</summary>
public sealed record TopicModelInfo(
    int FormatVersion,
    string TrainingFingerprint,
    DateTimeOffset TrainedAt,
    int TrainingPassages,
    double TrainingSeconds,
    IReadOnlyList<TopicThreshold> Topics,
    string? EmbeddingModel = null);

/// <summary>A topic's decision threshold on the document score (the best passage's probability), chosen on validation data.</summary>
public sealed record TopicThreshold(string Topic, float Threshold, int Positives);

/// <summary>A corrupt or incompatible model file.</summary>
public sealed class TopicModelException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The trained multi-label classifier: one shared text featurizer (word 1-2-grams and character
/// 2-4-grams, L2-normalised, as <c>FeaturizeText</c> makes them) and one calibrated logistic
/// regression per topic, with per-topic thresholds. Saved as one archive with a format version.
/// A model trained with a <see cref="PassageEmbedder"/> also feeds each passage's sentence embedding
/// to the regressions, beside the text features (<see cref="TopicModelInfo.EmbeddingModel"/> names
/// the embedding model, and loading it needs that model).
/// </summary>
public sealed class TopicModel
{
    public const int FormatVersion = 1;
    private const string InfoEntry = "model.json";
    private const string FeaturizerEntry = "featurizer.mlnet";
    private const string TextFeaturesColumn = "TextFeatures";

    private readonly MLContext _ml;
    private readonly ITransformer _featurizer;
    private readonly IReadOnlyDictionary<string, ITransformer> _topics;
    private readonly PassageEmbedder? _embedder;
    private readonly string[] _topicNames;
    private readonly System.Collections.Concurrent.ConcurrentBag<Engines> _engines = [];
    private readonly Lazy<TextTopicScorer?> _scorer;

    internal TopicModel(MLContext ml, ITransformer featurizer, IReadOnlyDictionary<string, ITransformer> topics, TopicModelInfo info, PassageEmbedder? embedder = null)
    {
        _ml = ml;
        _featurizer = featurizer;
        _topics = topics;
        _embedder = embedder;
        _topicNames = [.. topics.Keys];
        Info = info;
        _scorer = new(() => embedder is null
            ? TextTopicScorer.TryCreate(featurizer, ml.Data.LoadFromEnumerable(Array.Empty<TextRow>()).Schema, [.. _topicNames.Select(t => topics[t])])
            : null);
    }

    public TopicModelInfo Info { get; }

    /// <summary>The text featurizer (tests run it over a data view to check the engines against it).</summary>
    internal ITransformer Featurizer => _featurizer;

    /// <summary>The topics' regressions, by topic.</summary>
    internal IReadOnlyDictionary<string, ITransformer> TopicTransformers => _topics;

    /// <summary>The sentence-embedding model whose vectors are features beside the text, or null for text features only.</summary>
    public string? EmbeddingModel => _embedder?.ModelName;

    /// <summary>True when passages are scored by <see cref="TextTopicScorer"/> rather than through ML.NET's engines.</summary>
    internal bool ScoresDirectly => _scorer.Value is not null;

    public IEnumerable<string> Topics => Info.Topics.Select(t => t.Topic);

    public float ThresholdOf(string topic) => Info.Topics.First(t => t.Topic == topic).Threshold;

    /// <summary>Probabilities per topic for each passage (rows follow <paramref name="passages"/>).</summary>
    /// <param name="vectors">For a model with embedding features, the passages' vectors when the caller has them (the semantic index's); embedded through the cache otherwise.</param>
    public IReadOnlyDictionary<string, float[]> Predict(IReadOnlyList<string> passages, IReadOnlyList<float[]>? vectors = null)
    {
        ArgumentNullException.ThrowIfNull(passages);
        var result = new Dictionary<string, float[]>();
        if (passages.Count == 0)
        {
            foreach (var topic in _topics.Keys)
            {
                result[topic] = [];
            }

            return result;
        }

        var columns = _topicNames.Select(_ => new float[passages.Count]).ToArray();
        if (_scorer.Value is { } scorer)
        {
            // The text model without ML.NET's per-row machinery: the same features and regressions, computed directly.
            for (var i = 0; i < passages.Count; i++)
            {
                scorer.Score(passages[i], columns, i);
            }

            return ToResult(columns);
        }

        return ToResult(EngineColumns(passages, vectors, columns));
    }

    /// <summary>The probabilities through ML.NET's prediction engines (the reference the direct scorer is tested against).</summary>
    internal IReadOnlyDictionary<string, float[]> PredictWithEngines(IReadOnlyList<string> passages, IReadOnlyList<float[]>? vectors) =>
        ToResult(EngineColumns(passages, vectors, [.. _topicNames.Select(_ => new float[passages.Count])]));

    private float[][] EngineColumns(IReadOnlyList<string> passages, IReadOnlyList<float[]>? vectors, float[][] columns)
    {
        // Row by row through pooled prediction engines: ML.NET's data views (cached, and read by one cursor
        // per topic) split every transform over background threads whose hand-offs cost more CPU than the
        // featurising itself, on top of the cores ingestion already keeps busy. An engine maps one row
        // with the same transformers, so the probabilities are the very same numbers.
        var features = _embedder is null ? null : vectors is { } given && given.Count == passages.Count ? given.ToArray() : _embedder.Embed(passages);
        var engines = RentEngines();
        try
        {
            for (var i = 0; i < passages.Count; i++)
            {
                engines.Predict(passages[i], features?[i], columns, i);
            }
        }
        finally
        {
            _engines.Add(engines);
        }

        return columns;
    }

    private Dictionary<string, float[]> ToResult(float[][] columns)
    {
        var result = new Dictionary<string, float[]>();
        for (var t = 0; t < _topicNames.Length; t++)
        {
            result[_topicNames[t]] = columns[t];
        }

        return result;
    }

    /// <summary>An idle set of engines, or a new one (an engine is not thread-safe; a set is made per concurrent caller and kept).</summary>
    private Engines RentEngines()
    {
        if (_engines.TryTake(out var engines))
        {
            return engines;
        }

        lock (_engines)
        {
            return new Engines(this);
        }
    }

    /// <summary>
    /// The featurizer's engine (text, and the embedding for a model with embedding features, to the
    /// feature vector) and one engine per topic (feature vector to probability): the features of a
    /// passage are made once for all topics, as the cached data view did.
    /// </summary>
    private sealed class Engines
    {
        private readonly PredictionEngine<TextRow, FeatureRow>? _text;
        private readonly PredictionEngine<EmbeddedRow, FeatureRow>? _embedded;
        private readonly PredictionEngine<FeatureRow, ProbabilityRow>[] _topics;
        private readonly TextRow _textRow = new();
        private readonly EmbeddedRow _embeddedRow = new();
        private FeatureRow _features = new();
        private ProbabilityRow _probability = new();

        public Engines(TopicModel model)
        {
            var ml = model._ml;
            DataViewSchema inputSchema;
            if (model._embedder is null)
            {
                _text = ml.Model.CreatePredictionEngine<TextRow, FeatureRow>(model._featurizer);
                inputSchema = ml.Data.LoadFromEnumerable(Array.Empty<TextRow>()).Schema;
            }
            else
            {
                var embeddedSchema = EmbeddedSchema(model._embedder.Dimensions);
                _embedded = ml.Model.CreatePredictionEngine<EmbeddedRow, FeatureRow>(model._featurizer, inputSchemaDefinition: embeddedSchema);
                inputSchema = ml.Data.LoadFromEnumerable(Array.Empty<EmbeddedRow>(), embeddedSchema).Schema;
            }

            // The topic regressions read a feature vector of the featurizer's fixed size.
            var featureSchema = SchemaDefinition.Create(typeof(FeatureRow));
            featureSchema[nameof(FeatureRow.Features)].ColumnType = model._featurizer.GetOutputSchema(inputSchema)[nameof(FeatureRow.Features)].Type;
            _topics = model._topicNames
                .Select(t => ml.Model.CreatePredictionEngine<FeatureRow, ProbabilityRow>(model._topics[t], inputSchemaDefinition: featureSchema))
                .ToArray();
        }

        /// <summary>Writes the probability of each topic for one passage into row <paramref name="row"/> of <paramref name="columns"/>.</summary>
        public void Predict(string text, float[]? vector, float[][] columns, int row)
        {
            if (_text is not null)
            {
                _textRow.Text = text;
                _text.Predict(_textRow, ref _features);
            }
            else
            {
                _embeddedRow.Text = text;
                _embeddedRow.Embedding = vector!;
                _embedded!.Predict(_embeddedRow, ref _features);
            }

            for (var t = 0; t < _topics.Length; t++)
            {
                _topics[t].Predict(_features, ref _probability);
                columns[t][row] = _probability.Probability;
            }
        }
    }

    /// <summary>Saves the model (format <see cref="FormatVersion"/>), atomically.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"; // two processes may save at once
        using (var zip = ZipFile.Open(temp, ZipArchiveMode.Create))
        {
            var inputSchema = _embedder is null
                ? _ml.Data.LoadFromEnumerable(Array.Empty<TextRow>()).Schema
                : EmbeddedRows(_ml, [], [], _ => false, _embedder.Dimensions).Schema;
            Write(zip, FeaturizerEntry, s => _ml.Model.Save(_featurizer, inputSchema, s));
            var featureSchema = _featurizer.GetOutputSchema(inputSchema);
            foreach (var (topic, model) in _topics)
            {
                Write(zip, $"topic.{topic}.mlnet", s => _ml.Model.Save(model, featureSchema, s));
            }

            Write(zip, InfoEntry, s => JsonSerializer.Serialize(s, Info, Indexing.DocumentMapper.Json));
        }

        // Replace atomically: a crash while saving never leaves a half-written model in place.
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Loads a saved model; throws <see cref="TopicModelException"/> naming the problem when the file is
    /// corrupt or of another format, or when it needs embeddings of a model <paramref name="embedder"/> does not give.
    /// </summary>
    public static TopicModel Load(string path, PassageEmbedder? embedder = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var infoEntry = zip.GetEntry(InfoEntry) ?? throw new TopicModelException($"topic model '{path}' has no {InfoEntry}: not a model file of this program");
            TopicModelInfo info;
            using (var s = infoEntry.Open())
            {
                info = JsonSerializer.Deserialize<TopicModelInfo>(s, Indexing.DocumentMapper.Json)
                    ?? throw new TopicModelException($"topic model '{path}': empty {InfoEntry}");
            }

            if (info.FormatVersion != FormatVersion)
            {
                throw new TopicModelException($"topic model '{path}' has format version {info.FormatVersion}; this program reads version {FormatVersion}");
            }

            if (info.EmbeddingModel is { } needed && needed != embedder?.ModelName)
            {
                throw new TopicModelException($"topic model '{path}' uses {needed} sentence embeddings as features, which {(embedder is null ? "are not available" : $"{embedder.ModelName} does not give")}");
            }

            var ml = new MLContext(seed: TopicTrainer.Seed);
            var featurizer = LoadTransformer(ml, zip, FeaturizerEntry, path);
            var topics = info.Topics.ToDictionary(t => t.Topic, t => LoadTransformer(ml, zip, $"topic.{t.Topic}.mlnet", path));
            return new TopicModel(ml, featurizer, topics, info, info.EmbeddingModel is null ? null : embedder);
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new TopicModelException($"topic model '{path}' is corrupt or unreadable: {ex.Message}", ex);
        }
    }

    private static ITransformer LoadTransformer(MLContext ml, ZipArchive zip, string name, string path)
    {
        var entry = zip.GetEntry(name) ?? throw new TopicModelException($"topic model '{path}' lacks {name}");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return ml.Model.Load(copy, out _);
    }

    private static void Write(ZipArchive zip, string name, Action<Stream> write)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        write(buffer);
        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    internal sealed class TextRow
    {
        public string Text { get; set; } = string.Empty;
    }

    internal sealed class LabelledRow
    {
        public string Text { get; set; } = string.Empty;

        public bool Label { get; set; }
    }

    /// <summary>A passage with its sentence embedding, for a model with embedding features.</summary>
    internal sealed class EmbeddedRow
    {
        public string Text { get; set; } = string.Empty;

        public bool Label { get; set; }

        public float[] Embedding { get; set; } = [];
    }

    /// <summary>One passage's features, as the featurizer gives them.</summary>
    internal sealed class FeatureRow
    {
        public VBuffer<float> Features { get; set; }
    }

    /// <summary>One topic's calibrated probability for a passage.</summary>
    internal sealed class ProbabilityRow
    {
        public float Probability { get; set; }
    }

    /// <summary>The schema of <see cref="EmbeddedRow"/>: the vector column gets its fixed size, which the trainers need.</summary>
    private static SchemaDefinition EmbeddedSchema(int dimensions)
    {
        var schema = SchemaDefinition.Create(typeof(EmbeddedRow));
        schema[nameof(EmbeddedRow.Embedding)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimensions);
        return schema;
    }

    /// <summary>Rows of passages with their embeddings; the vector column gets its fixed size, which the trainers need.</summary>
    internal static IDataView EmbeddedRows(MLContext ml, IReadOnlyList<string> passages, float[][] vectors, Func<int, bool> label, int dimensions)
    {
        var schema = EmbeddedSchema(dimensions);
        var rows = passages.Select((p, i) => new EmbeddedRow { Text = p, Label = label(i), Embedding = vectors[i] }).ToList();
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>
    /// The text featurizer followed by the concatenation of its output with the embedding. Both parts are
    /// L2-normalised, so neither outweighs the other before the regression weighs them.
    /// </summary>
    internal static IEstimator<ITransformer> EmbeddingFeaturizer(MLContext ml) =>
        ml.Transforms.Text.FeaturizeText(TextFeaturesColumn, FeaturizerOptions(), nameof(EmbeddedRow.Text))
            .Append(ml.Transforms.Concatenate("Features", TextFeaturesColumn, nameof(EmbeddedRow.Embedding)));

    internal static TextFeaturizingEstimator.Options FeaturizerOptions() => new()
    {
        CaseMode = TextNormalizingEstimator.CaseMode.Lower,
        KeepDiacritics = false,
        KeepPunctuations = false,
        KeepNumbers = true,
        StopWordsRemoverOptions = new StopWordsRemovingEstimator.Options { Language = TextFeaturizingEstimator.Language.English },
        WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
        CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 4, UseAllLengths = false },
        Norm = TextFeaturizingEstimator.NormFunction.L2,
    };

    internal static LbfgsLogisticRegressionBinaryTrainer.Options TrainerOptions() => new()
    {
        LabelColumnName = "Label",
        FeatureColumnName = "Features",
        L2Regularization = 0.01f,
        L1Regularization = 0f,
        NumberOfThreads = 1, // one thread: the same data gives the same model
        MaximumNumberOfIterations = 200,
    };
}
