using Search.Core.Enrichment;

namespace Search.Host.Http;

/// <summary>
/// Runs the index's enrichment (topics, embeddings) in the background and follows the index: when
/// any process commits (a CLI ingest, say), the service catches up. Keyword search answers from the
/// first request; semantic and hybrid search start as soon as vectors are committed (see /healthz).
/// </summary>
public sealed class MaintenanceBackgroundService(IndexMaintenance maintenance) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await maintenance.FollowAsync(stoppingToken).ConfigureAwait(false);
    }
}
