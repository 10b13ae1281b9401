using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Search.Host.Tests.Support;

/// <summary>The real <c>search</c> executable (built beside the tests) run as its own process, as an operator runs it.</summary>
internal static class SearchProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "search.dll");

    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }

    /// <summary>Runs to the end (killed after <paramref name="timeout"/>): exit code, stdout and stderr.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"search {string.Join(' ', args)} did not finish in {timeout}: {await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Copies the first <paramref name="count"/> documents of the bundled corpus (by name) into <paramref name="folder"/>.</summary>
    public static List<string> CopyCorpus(string folder, int count)
    {
        var source = Path.Combine(RepoRoot(), "corpus", "documents");
        Directory.CreateDirectory(folder);
        var names = Directory.GetFiles(source).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).Take(count).ToList();
        foreach (var name in names)
        {
            File.Copy(Path.Combine(source, name), Path.Combine(folder, name));
        }

        return names;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Search.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Search.sln not found above " + AppContext.BaseDirectory);
    }
}
