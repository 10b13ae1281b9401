using System.Diagnostics;

namespace Search.Core.Tests.Support;

/// <summary>
/// Makes a folder read-only for this process until disposed: <c>chmod a-w</c>, and, since root ignores
/// permissions, <c>chattr +i</c> (immutable: no file can be created or removed in it) when running as root.
/// </summary>
internal sealed class ReadOnlyFolder : IDisposable
{
    private readonly string _path;
    private readonly UnixFileMode _mode;
    private readonly bool _immutable;

    private ReadOnlyFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("read-only folders are made with Unix permissions");
        }

        _path = path;
        _mode = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, _mode & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        if (Environment.UserName == "root")
        {
            Run("chattr", "+i", path);
            _immutable = true;
        }
    }

    public static ReadOnlyFolder Make(string path) => new(path);

    public void Dispose()
    {
        if (_immutable)
        {
            Run("chattr", "-i", _path);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_path, _mode);
        }
    }

    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true }) ?? throw new InvalidOperationException($"cannot run {file}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error}");
        }
    }
}
