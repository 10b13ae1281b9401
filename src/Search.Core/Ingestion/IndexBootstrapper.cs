using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Search.Core.Indexing;

namespace Search.Core.Ingestion;

/// <summary>Builds the index from the bundled corpus when it holds no documents, so a fresh clone works at once.</summary>
public sealed partial class IndexBootstrapper(
    IndexStore store,
    IngestionPipeline pipeline,
    IOptions<SearchOptions> options,
    ILogger<IndexBootstrapper> logger)
{
    /// <summary>Ingests the corpus folder if the index is empty; returns the report, or null when nothing was done.</summary>
    public async Task<IngestionReport?> EnsureIndexAsync(IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        store.EnsureCreated();
        using (var lease = store.Lease())
        {
            if (lease.Searcher.IndexReader.NumDocs > 0)
            {
                return null;
            }
        }

        var corpus = options.Value.CorpusPath;
        if (!Directory.Exists(corpus))
        {
            LogNoCorpus(corpus);
            return null;
        }

        LogBuilding(store.IndexPath, corpus);
        return await pipeline.IngestAsync(corpus, progress, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The index at {Index} is empty: building it from {Corpus}")]
    private partial void LogBuilding(string index, string corpus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The index is empty and the corpus folder {Corpus} does not exist")]
    private partial void LogNoCorpus(string corpus);
}
