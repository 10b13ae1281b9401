using Search.Host.Cli;

namespace Search.Host.Tests.Support;

/// <summary>A temp folder with the test corpus and an index folder (the shared model copied in), for running the CLI in-process.</summary>
public sealed class CliWorkspace : IDisposable
{
    public CliWorkspace(string prefix)
    {
        Root = Directory.CreateTempSubdirectory(prefix).FullName;
        Directory.CreateDirectory(Corpus);
        Fixtures.WriteCorpus(Corpus);
        SharedModel.CopyInto(Index);
    }

    public string Root { get; }

    public string Corpus => Path.Combine(Root, "corpus");

    public string Index => Path.Combine(Root, "index");

    /// <summary>Runs the CLI as <c>search ARGS</c> would, with its output and errors captured.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
