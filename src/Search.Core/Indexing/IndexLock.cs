using System.Diagnostics;
using System.Globalization;

namespace Search.Core.Indexing;

/// <summary>
/// An exclusive lock held by one process on a file in the index folder: an OS lock (<c>flock</c>
/// through <see cref="FileShare.None"/>) that the kernel releases when the process dies, so a
/// <c>kill -9</c> never leaves a stale lock. Who holds it (PID, since when, what for) is written to a
/// sibling <c>.owner</c> file for the error message of the process that is kept out.
/// </summary>
public sealed class IndexLock : IDisposable
{
    private readonly FileStream _stream;

    private IndexLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Takes the lock, waiting up to <paramref name="wait"/> (<see cref="Timeout.InfiniteTimeSpan"/>: until free) while another process holds it.</summary>
    /// <exception cref="IndexBusyException">Still held by another process when the wait is over.</exception>
    /// <exception cref="IndexReadOnlyException">The folder cannot be written.</exception>
    public static IndexLock Acquire(string folder, string name, string purpose, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(name);
        var path = System.IO.Path.Combine(folder, name);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryAcquire(folder, path, purpose) is { } taken)
            {
                return taken;
            }

            if (wait != Timeout.InfiniteTimeSpan && clock.Elapsed >= wait)
            {
                // The holder writes its note just after taking the lock: give it a moment, and take the lock if it was let go meanwhile.
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    if (Owner(path) is { } owner)
                    {
                        throw new IndexBusyException(folder, owner);
                    }

                    Thread.Sleep(50);
                    if (TryAcquire(folder, path, purpose) is { } late)
                    {
                        return late;
                    }
                }

                throw new IndexBusyException(folder, null);
            }

            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Who holds the lock, as its owner file says (null when nobody wrote one).</summary>
    public static string? Owner(string path)
    {
        try
        {
            var text = File.ReadAllText(path + ".owner").Trim();
            return text.Length == 0 ? null : text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when some process (this one included) holds the lock now.</summary>
    public static bool IsHeld(string folder, string name)
    {
        var path = System.IO.Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static IndexLock? TryAcquire(string folder, string path, string purpose)
    {
        FileStream stream;
        try
        {
            Directory.CreateDirectory(folder);
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IndexReadOnlyException(folder, ex);
        }
        catch (IOException ex) when (IndexReadOnlyException.IsReadOnly(ex))
        {
            throw new IndexReadOnlyException(folder, ex);
        }
        catch (IOException)
        {
            return null; // held by another process (EWOULDBLOCK from flock)
        }

        try
        {
            // The lock file may be writable while the folder is not (an immutable or remounted folder): probe it.
            IndexReadOnlyException.Probe(folder);
            var owner = string.Create(CultureInfo.InvariantCulture, $"PID {Environment.ProcessId} ({Process.GetCurrentProcess().ProcessName}, {purpose}), since {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
            File.WriteAllText(path + ".owner", owner);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return new IndexLock(stream, path);
    }

    public void Dispose()
    {
        try
        {
            File.WriteAllText(Path + ".owner", string.Empty);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The owner note is only for messages; the OS lock is what counts.
        }

        _stream.Dispose();
    }
}

/// <summary>The index is being written by another process.</summary>
public sealed class IndexBusyException(string path, string? owner)
    : Exception($"index busy: the index at '{path}' is being written by another process ({owner ?? "holder unknown"}); try again when it has finished, or pass --wait")
{
    public string? Owner { get; } = owner;
}

/// <summary>The index folder cannot be written (read-only file system, permissions): nothing was changed.</summary>
public sealed class IndexReadOnlyException(string path, Exception? inner = null)
    : Exception($"the index at '{path}' is read-only: nothing was changed", inner)
{
    private const int EROFS = 30;
    private const int EACCES = 13;
    private const int EPERM = 1;

    internal static bool IsReadOnly(IOException ex) =>
        (ex.HResult & 0xFFFF) is EROFS or EACCES or EPERM || ex.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates and removes a file in <paramref name="folder"/>; throws <see cref="IndexReadOnlyException"/> when that fails.</summary>
    internal static void Probe(string folder)
    {
        var probe = System.IO.Path.Combine(folder, $".write-probe-{Environment.ProcessId}");
        try
        {
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IndexReadOnlyException(folder, ex);
        }
        catch (IOException ex)
        {
            throw new IndexReadOnlyException(folder, ex);
        }
    }
}
