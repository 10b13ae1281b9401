using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Search.Core.Indexing;

/// <summary>
/// Builds the index from the configured corpus when it was never built (no commit in its folder), so a
/// fresh clone works at once. An index that exists but holds no document is left alone: it was
/// emptied on purpose, and filling it from another folder would be a surprise.
/// </summary>
public sealed partial class IndexBootstrapper(
    IndexStore store,
    IngestionPipeline pipeline,
    IOptions<SearchOptions> options,
    ILogger<IndexBootstrapper> logger)
{
    /// <summary>Ingests the corpus folder if the index was never built; returns the report, or null when nothing was done.</summary>
    public async Task<IngestionReport?> EnsureIndexAsync(IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        if (store.Exists)
        {
            return null;
        }

        var corpus = options.Value.CorpusPath;
        if (!Directory.Exists(corpus))
        {
            LogNoCorpus(corpus);
            store.EnsureCreated();
            return null;
        }

        LogBuilding(store.IndexPath, corpus);
        return await pipeline.IngestAsync(corpus, new IngestionRun(), progress, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No index at {Index} yet: building it from {Corpus}")]
    private partial void LogBuilding(string index, string corpus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No index yet and the corpus folder {Corpus} does not exist: the index starts empty")]
    private partial void LogNoCorpus(string corpus);
}
