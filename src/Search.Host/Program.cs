using Search.Host.Cli;
using Search.Host.Http;

namespace Search.Host;

/// <summary>The <c>search</c> executable: a CLI whose <c>serve</c> command runs the HTTP service.</summary>
public sealed class Program
{
    private Program()
    {
    }

    public static async Task<int> Main(string[] args)
    {
        // Only host settings (--key=value), as a test host passes them: run the web application itself.
        if (args.Length > 0 && args.All(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)))
        {
            await using var app = await HttpApp.CreateAsync(args, configure: null, CancellationToken.None).ConfigureAwait(false);
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }

        return await CliApp.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
    }
}
