using Microsoft.Extensions.Logging;
using Search.Core.Classification;
using Search.Core.Indexing;
using Search.Core.Semantic;

namespace Search.Core.Enrichment;

/// <summary>What a catch-up is doing, for progress lines.</summary>
public sealed record MaintenanceProgress(string Stage, int Done, int Total, double? PerSecond = null, TimeSpan? Eta = null);

/// <summary>What a catch-up did.</summary>
public sealed record CatchUpReport(bool Ran, int TaggedWithText, int DocumentsEmbedded, int TaggedWithEmbeddings, string? HeldBy = null);

/// <summary>
/// The enrichment stages after ingestion, in order, each reading the index and writing through the
/// one <see cref="IndexStore"/>: topics with what is at hand (so new documents get topics at once),
/// then embeddings (<see cref="SemanticIndex"/>), then topics again with the model that reads those
/// embeddings. <see cref="CatchUpAsync"/> is the one entry point: <c>search ingest</c> calls it at its
/// end and the service whenever the index changes (<see cref="FollowAsync"/>). One process enriches an
/// index at a time (an OS lock on <see cref="LockName"/>); another that finds it held leaves the work
/// to its holder. Every stage does only what is missing, so a catch-up after a crash completes the work.
/// </summary>
public sealed partial class IndexMaintenance(IndexStore store, TopicTagger topics, ILogger<IndexMaintenance> logger, SemanticIndex? semantic = null)
{
    public const string LockName = "search-enrich.lock";

    /// <summary>How often the service looks for a commit by another process.</summary>
    public static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs every enrichment stage over what the index lacks; waits for the enrichment lock up to <paramref name="wait"/>, else reports who holds it.</summary>
    /// <param name="embed">False to leave embedding (and tagging with embeddings) for later: only topics with what is at hand.</param>
    public async Task<CatchUpReport> CatchUpAsync(IProgress<MaintenanceProgress>? progress, TimeSpan wait, CancellationToken cancellationToken, bool embed = true)
    {
        if (!store.Exists)
        {
            return new CatchUpReport(false, 0, 0, 0);
        }

        IndexLock enrichment;
        try
        {
            enrichment = await Task.Run(() => IndexLock.Acquire(store.IndexPath, LockName, "enrichment", wait, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (IndexBusyException ex)
        {
            return new CatchUpReport(false, 0, 0, 0, ex.Owner);
        }

        using (enrichment)
        {
            var text = await topics.TagPendingAsync(train: false, Stage(progress, "topics"), cancellationToken).ConfigureAwait(false);
            var embedded = 0;
            var refined = 0;
            if (embed && semantic is { IsEnabled: true })
            {
                var before = semantic.Status().CoveredDocuments;
                var embedding = progress is null ? null : new ActionProgress<EmbeddingProgress>(p => progress.Report(new MaintenanceProgress("embeddings", p.Done, p.Total, p.PassagesPerSecond, p.Eta)));
                var after = await semantic.SyncAsync(embedding, cancellationToken).ConfigureAwait(false);
                embedded = Math.Max(0, after.CoveredDocuments - before);
                refined = await topics.TagPendingAsync(train: true, Stage(progress, "topics with embeddings"), cancellationToken).ConfigureAwait(false);
            }

            return new CatchUpReport(true, text, embedded, refined);
        }
    }

    /// <summary>
    /// The service's loop: catches up now, then again whenever any process commits (checked every
    /// <see cref="FollowInterval"/>), until stopped. A failed catch-up is logged and tried again on the next change.
    /// </summary>
    public async Task FollowAsync(CancellationToken cancellationToken)
    {
        long? done = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            long generation;
            using (var lease = store.Lease())
            {
                generation = lease.Generation;
            }

            if (generation != done)
            {
                try
                {
                    var report = await CatchUpAsync(LoggedProgress(), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                    if (report.Ran)
                    {
                        // If the run committed (or another process did meanwhile), the generation moved on and the
                        // next pass runs again: it finds what is left, or nothing, and then rests.
                        done = generation;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or TopicModelException or VectorStoreException or IndexBusyException or IndexReadOnlyException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
                {
                    LogFailed(ex.Message);
                    done = generation;
                }
            }

            try
            {
                await Task.Delay(FollowInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Progress in the log: each stage at every tenth of its work.</summary>
    private ActionProgress<MaintenanceProgress> LoggedProgress()
    {
        var last = (Stage: string.Empty, Tenth: -1);
        return new ActionProgress<MaintenanceProgress>(p =>
        {
            var tenth = p.Total == 0 ? 10 : p.Done * 10 / p.Total;
            if (p.Total > 0 && (p.Stage != last.Stage || tenth != last.Tenth))
            {
                last = (p.Stage, tenth);
                LogProgress(p.Stage, p.Done, p.Total, p.PerSecond ?? 0, p.Eta?.TotalSeconds ?? 0);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrichment, {Stage}: {Done}/{Total} ({Rate:0.0}/s, about {Eta:0} s left)")]
    private partial void LogProgress(string stage, int done, int total, double rate, double eta);

    private static ActionProgress<TopicProgress>? Stage(IProgress<MaintenanceProgress>? progress, string stage) =>
        progress is null ? null : new ActionProgress<TopicProgress>(p => progress.Report(new MaintenanceProgress(stage, p.Done, p.Total)));

    [LoggerMessage(Level = LogLevel.Error, Message = "Enrichment failed: {Reason}; keyword search goes on, and it is tried again when the index changes")]
    private partial void LogFailed(string reason);
}
