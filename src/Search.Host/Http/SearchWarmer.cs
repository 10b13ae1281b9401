using Microsoft.Extensions.Options;
using Search.Core;
using Search.Core.Indexing;
using Search.Core.Querying;
using Search.Core.Semantic;

namespace Search.Host.Http;

/// <summary>
/// Warms the service's search code up (<see cref="SearchWarmUp"/>), so that its first callers do not pay
/// for the runtime's compilation: keyword searches once the index's own background work is done
/// (<see cref="SearchService.WarmedUp"/>) and it holds <see cref="SearchOptions.WarmUpMinDocuments"/> or
/// more (a service started on a small index that an ingestion then grows is warmed once it gets there),
/// hybrid ones once the semantic index is ready. <c>/healthz</c> reports <c>warmedUp</c> only after the
/// keyword warm-up, and what it did (or why it has not run).
/// </summary>
public sealed partial class SearchWarmer(SearchService search, IndexStore store, SemanticIndex semantic, IOptions<SearchOptions> options, ILogger<SearchWarmer> logger) : BackgroundService
{
    /// <summary>How the report of a warm-up that failed begins (its reason, which may name files, is kept from anonymous callers).</summary>
    public const string FailedPrefix = "failed: ";

    private volatile WarmUpReport? _run;     // the keyword warm-up's report, once it has run (or failed)
    private volatile WarmUpReport? _waiting; // why it has not run (yet)

    /// <summary>The keyword warm-up's report once it has run (or failed), or why it has not (yet); null before the service's first look.</summary>
    public WarmUpReport? Keyword => _run ?? _waiting;

    /// <summary>
    /// Whether keyword searches of an index of <paramref name="documents"/> are warm: the warm-up has run
    /// (a failed one counts: it is an optimisation), or is not needed (fewer documents than
    /// <see cref="SearchOptions.WarmUpMinDocuments"/>, or <see cref="SearchOptions.WarmUpSeconds"/> 0).
    /// </summary>
    public bool IsWarm(int documents) => _run is not null || !Needed(documents);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var settings = options.Value;
        if (settings.WarmUpSeconds <= 0)
        {
            _waiting = new WarmUpReport(0, 0, 0, 0, 0, 0, "switched off (WarmUpSeconds is 0)");
            return;
        }

        while (true)
        {
            var documents = search.Count();
            if (documents < settings.WarmUpMinDocuments)
            {
                _waiting = new WarmUpReport(0, 0, 0, 0, 0, 0, $"the index has {documents} documents, below WarmUpMinDocuments ({settings.WarmUpMinDocuments})");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(false);
            }
            else if (!search.WarmedUp())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken).ConfigureAwait(false);
            }
            else
            {
                break;
            }
        }

        var budget = TimeSpan.FromSeconds(settings.WarmUpSeconds);
        _run = await Task.Run(() => Warm(hybrid: false, budget, stoppingToken), stoppingToken).ConfigureAwait(false);
        if (!semantic.IsEnabled)
        {
            return;
        }

        while (!semantic.IsReady)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(false);
        }

        // Logged; /healthz reports the keyword warm-up, which warmedUp waits for.
        await Task.Run(() => Warm(hybrid: true, budget, stoppingToken), stoppingToken).ConfigureAwait(false);
    }

    private bool Needed(int documents) => documents >= options.Value.WarmUpMinDocuments && options.Value.WarmUpSeconds > 0;

    private WarmUpReport Warm(bool hybrid, TimeSpan budget, CancellationToken stoppingToken)
    {
        try
        {
            var report = SearchWarmUp.Run(search, store, budget, hybrid, stoppingToken);
            LogWarmed(logger, hybrid ? "hybrid" : "keyword", report.Searches, report.Rounds, report.MethodsCompiled, report.Seconds);
            return report;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // A warm-up is an optimisation: its failure must not stop the service (an exception leaving a
            // background service stops the host).
            LogFailed(logger, ex);
            return new WarmUpReport(0, 0, 0, 0, 0, 0, FailedPrefix + ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search warm-up failed; searches answer, unoptimised at first")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search warm-up ({Kind}): {Searches} searches in {Rounds} rounds, {Methods} methods compiled, {Seconds:0.0} s")]
    private static partial void LogWarmed(ILogger logger, string kind, int searches, int rounds, long methods, double seconds);
}
