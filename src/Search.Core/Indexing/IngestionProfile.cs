using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Search.Core.Indexing;

/// <summary>
/// Where an ingestion run spent its time, stage by stage (<c>search ingest --profile</c>). The
/// stages before the writer run on every core at once, so their times are summed over the threads
/// (CPU time, which can exceed the wall clock); the writer's stages (<see cref="Wait"/>,
/// <see cref="Write"/>, <see cref="Commit"/>) are on the one writer thread and add up to its wall time.
/// </summary>
public sealed class IngestionProfile
{
    public const string Hash = "hash";
    public const string Read = "read and boilerplate";
    public const string Metadata = "extract metadata";
    public const string Topics = "topic tagging";
    public const string Wait = "writer waits for files";
    public const string Write = "map, analyse, add (writer)";
    public const string Commit = "commit (writer)";
    public const string Merge = "merge after a bulk load";

    private static readonly string[] Parallel = [Hash, Read, Metadata, Topics];
    private static readonly string[] Writer = [Wait, Write, Commit, Merge];
    private readonly long[] _ticks = new long[Parallel.Length + Writer.Length];

    /// <summary>Time spent in <paramref name="stage"/> so far.</summary>
    public TimeSpan this[string stage] => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[IndexOf(stage)]));

    /// <summary>Adds the time since <paramref name="started"/> (a <see cref="Stopwatch.GetTimestamp"/>) to <paramref name="stage"/>; returns now, to time the next stage from.</summary>
    public long Add(string stage, long started)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _ticks[IndexOf(stage)], now - started);
        return now;
    }

    /// <summary>The stages as lines: seconds and share of their group (the parallel stages, the writer's).</summary>
    public string Format(TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Profile ({elapsed.TotalSeconds:0.0} s wall, {Environment.ProcessorCount} cores)");
        Group("Parallel stages (CPU time over all threads)", Parallel);
        Group("Writer thread (wall time)", Writer);
        return text.ToString();

        void Group(string title, string[] stages)
        {
            var total = stages.Sum(s => this[s].TotalSeconds);
            text.AppendLine(CultureInfo.InvariantCulture, $"  {title}: {total:0.00} s");
            foreach (var stage in stages)
            {
                var seconds = this[stage].TotalSeconds;
                text.AppendLine(CultureInfo.InvariantCulture, $"    {stage,-28} {seconds,8:0.00} s {(total > 0 ? seconds / total : 0),6:P0}");
            }
        }
    }

    private static int IndexOf(string stage)
    {
        var i = Array.IndexOf(Parallel, stage);
        if (i >= 0)
        {
            return i;
        }

        i = Array.IndexOf(Writer, stage);
        return i >= 0 ? Parallel.Length + i : throw new ArgumentOutOfRangeException(nameof(stage), stage, "not an ingestion stage");
    }
}
