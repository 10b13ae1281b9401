namespace Search.Host.Cli;

/// <summary>Reports progress synchronously to an action (<see cref="Progress{T}"/> would post it to the thread pool, out of order).</summary>
internal sealed class ActionProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
