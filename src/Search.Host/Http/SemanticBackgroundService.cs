using Search.Core.Semantic;

namespace Search.Host.Http;

/// <summary>
/// Embeds the passages of the indexed documents in the background once the service is up: keyword
/// search answers at once, and semantic and hybrid search start when this is done (see /healthz).
/// Then documents tagged by the text topic model are re-tagged by the one that also reads embeddings.
/// </summary>
public sealed partial class SemanticBackgroundService(SemanticIndex semantic, Search.Core.Classification.TopicRefiner topics, ILogger<SemanticBackgroundService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!semantic.IsEnabled)
        {
            return;
        }

        await Task.Yield();
        await EmbedAsync(stoppingToken).ConfigureAwait(false);
        await RefineTopicsAsync(stoppingToken).ConfigureAwait(false);
    }

    private async Task RefineTopicsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await topics.RefineAsync(null, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Search.Core.Classification.TopicModelException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            // Logged by the refiner and reported in /healthz; documents keep their text-model topics.
        }
    }

    private async Task EmbedAsync(CancellationToken stoppingToken)
    {
        var lastLogged = -1;
        var progress = new Search.Core.ActionProgress<EmbeddingProgress>(p =>
        {
            var percent = p.Total == 0 ? 100 : p.Done * 100 / p.Total;
            if (percent / 10 != lastLogged / 10)
            {
                lastLogged = percent;
                LogProgress(p.Done, p.Total, p.PassagesPerSecond, p.Eta.TotalSeconds);
            }
        });
        try
        {
            var status = await semantic.SyncAsync(progress, stoppingToken).ConfigureAwait(false);
            LogReady(status.CoveredDocuments, status.Passages);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or VectorStoreException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            // Reported in /healthz; keyword search goes on working.
            LogFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding passages: {Done}/{Total} ({Rate:0.0}/s, about {Eta:0} s left)")]
    private partial void LogProgress(int done, int total, double rate, double eta);

    [LoggerMessage(Level = LogLevel.Information, Message = "Semantic search ready: {Documents} documents, {Passages} passages")]
    private partial void LogReady(int documents, int passages);

    [LoggerMessage(Level = LogLevel.Error, Message = "Semantic index build failed: {Reason}; keyword search still works")]
    private partial void LogFailed(string reason);
}
