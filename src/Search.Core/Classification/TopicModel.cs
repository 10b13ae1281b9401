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

    internal TopicModel(MLContext ml, ITransformer featurizer, IReadOnlyDictionary<string, ITransformer> topics, TopicModelInfo info, PassageEmbedder? embedder = null)
    {
        _ml = ml;
        _featurizer = featurizer;
        _topics = topics;
        _embedder = embedder;
        Info = info;
    }

    public TopicModelInfo Info { get; }

    /// <summary>The sentence-embedding model whose vectors are features beside the text, or null for text features only.</summary>
    public string? EmbeddingModel => _embedder?.ModelName;

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

        // No lock: transformers are immutable and IDataView pipelines are built for many cursors at once
        // (ML.NET's own trainers read one view from several threads); each call builds its own view and cache,
        // so ingestion tags one share of a batch a core. Only PredictionEngine is single-threaded, and it is not used here.
        var features = _embedder is null ? null : vectors is { } given && given.Count == passages.Count ? given.ToArray() : _embedder.Embed(passages);
        var data = features is null
            ? _ml.Data.LoadFromEnumerable(passages.Select(p => new TextRow { Text = p }))
            : EmbeddedRows(_ml, passages, features, _ => false, _embedder!.Dimensions);
        var transformed = _ml.Data.Cache(_featurizer.Transform(data));
        foreach (var (topic, model) in _topics)
        {
            result[topic] = model.Transform(transformed).GetColumn<float>("Probability").ToArray();
        }

        return result;
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

    /// <summary>Rows of passages with their embeddings; the vector column gets its fixed size, which the trainers need.</summary>
    internal static IDataView EmbeddedRows(MLContext ml, IReadOnlyList<string> passages, float[][] vectors, Func<int, bool> label, int dimensions)
    {
        var schema = SchemaDefinition.Create(typeof(EmbeddedRow));
        schema[nameof(EmbeddedRow.Embedding)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimensions);
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
