using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Search.Core;

namespace Search.Host.Cli;

/// <summary>The <c>search</c> command line: ingest, query, show, export, serve, bench.</summary>
public static class CliApp
{
    public static readonly Option<string?> IndexOption = new("--index") { Description = "Index folder (default: indexes/main, or Search:IndexPath)", Recursive = true };

    /// <summary>For commands that write: wait for another process's writer instead of failing at once.</summary>
    public static readonly Option<bool> WaitOption = new("--wait") { Description = "When another process is writing the index (a running service, another ingest), wait for it instead of failing with 'index busy'" };

    /// <summary>How long a write command waits for the writer lock: until free with --wait, else not at all.</summary>
    internal static TimeSpan WriteWait(ParseResult parse) => parse.GetValue(WaitOption) ? Timeout.InfiniteTimeSpan : TimeSpan.Zero;

    public static RootCommand Build()
    {
        var root = new RootCommand("Search ITU-T liaison statements, contributions, TDs and reports.");
        root.Options.Add(IndexOption);
        root.Subcommands.Add(IngestCommand.Create());
        root.Subcommands.Add(QueryCommand.Create());
        root.Subcommands.Add(ShowCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(BenchSemanticCommand.Create());
        root.Subcommands.Add(BenchHybridCommand.Create());
        root.Subcommands.Add(RelatedCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(OverlapsCommand.Create());
        root.Subcommands.Add(TopicCommands.Train());
        root.Subcommands.Add(TopicCommands.Evaluate());
        root.Subcommands.Add(TopicCommands.Override());
        root.Subcommands.Add(TopicCommands.List());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // A usage error: one line on stderr and where to read more, not the whole help on stdout.
            var message = string.Join(' ', parse.Errors[0].Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await error.WriteLineAsync($"error: {message} (see '{CommandPath(parse)} --help')").ConfigureAwait(false);
            return 2;
        }

        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(config).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is Search.Core.Indexing.IndexBusyException or Search.Core.Indexing.IndexReadOnlyException or Search.Core.Indexing.IngestionRefusedException)
        {
            // Nothing was changed: say why, without a stack trace.
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file or folder named on the command line that cannot be read: its message names it.
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The command line up to the command that failed to parse: <c>search query</c>.</summary>
    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command is RootCommand ? "search" : result.Command.Name);
        }

        return string.Join(' ', names);
    }

    /// <summary>A host with the engine, configured from appsettings, environment and the --index option.</summary>
    internal static IHost CreateHost(ParseResult parse, Action<IHostApplicationBuilder>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = false,
        });
        // The CLI's output is its results: logs go to stderr, warnings and errors only.
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Logging:LogLevel:Default", "Warning")]);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = Microsoft.Extensions.Logging.LogLevel.Trace);
        var index = parse.GetValue(IndexOption);
        if (index is not null)
        {
            builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Search:IndexPath", Path.GetFullPath(index))]);
        }

        builder.Services.AddSearchCore();
        configure?.Invoke(builder);
        return builder.Build();
    }
}

/// <summary>A failure the CLI reports on stderr with an exit code (1 failure, 2 usage).</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
