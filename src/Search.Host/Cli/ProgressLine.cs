namespace Search.Host.Cli;

/// <summary>
/// Progress of a long step on <c>stderr</c>: one line redrawn in place on a terminal, or (when output
/// is redirected, or <c>redraw</c> is off because other lines interleave) a line each tenth of the way.
/// </summary>
internal sealed class ProgressLine<T>(TextWriter error, Func<T, (int Done, int Total)> count, Func<T, string> describe, bool redraw = true) : IProgress<T>, IDisposable
{
    private readonly bool _redraw = redraw && !Console.IsErrorRedirected && ReferenceEquals(error, Console.Error);
    private int _lastTenth = -1;
    private bool _drawn;

    public void Report(T value)
    {
        if (_redraw)
        {
            error.Write("\r" + describe(value) + "   ");
            _drawn = true;
            return;
        }

        var (done, total) = count(value);
        var tenth = total == 0 ? 10 : done * 10 / total;
        if (tenth != _lastTenth)
        {
            _lastTenth = tenth;
            error.WriteLine(describe(value));
        }
    }

    /// <summary>Ends the redrawn line, so that what follows starts on a line of its own.</summary>
    public void Dispose()
    {
        if (_drawn)
        {
            error.WriteLine();
            _drawn = false;
        }
    }
}
