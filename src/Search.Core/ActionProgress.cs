namespace Search.Core;

/// <summary>Reports progress synchronously to an action (<see cref="Progress{T}"/> would post it to the thread pool, out of order).</summary>
public sealed class ActionProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
