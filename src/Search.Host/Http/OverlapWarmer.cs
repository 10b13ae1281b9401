using Search.Core.Analysis;
using Search.Core.Semantic;

namespace Search.Host.Http;

/// <summary>
/// Computes the overlap analysis the UI and the API ask for by default in the background, once the
/// semantic index is ready and again after each change of the index, so that the first caller finds it
/// done (<see cref="OverlapAnalyzer.AnalyzeAsync"/> keeps it per index generation).
/// </summary>
public sealed partial class OverlapWarmer(OverlapAnalyzer analyzer, SemanticIndex semantic, ILogger<OverlapWarmer> logger) : BackgroundService
{
    /// <summary>The parameter set computed ahead: the default of the UI, the API and the CLI alike.</summary>
    private static readonly (double MinSimilarity, int Top)[] Defaults = [(Search.Host.Cli.OverlapsCommand.DefaultMinSimilarity, Search.Host.Cli.OverlapsCommand.DefaultTop)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!semantic.IsReady)
            {
                continue;
            }

            foreach (var (minSimilarity, top) in Defaults)
            {
                try
                {
                    // Cached: costs nothing until the index changes.
                    await analyzer.AnalyzeAsync(null, minSimilarity, top, stoppingToken).ConfigureAwait(false);
                }
                catch (OverlapUnavailableException)
                {
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Overlap analysis in the background failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
