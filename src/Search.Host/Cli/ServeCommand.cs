using System.CommandLine;
using Search.Host.Http;

namespace Search.Host.Cli;

/// <summary><c>search serve</c>: the HTTP API and web UI; builds the index from the corpus first when it is empty.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on (default http://localhost:5000)" };
        var command = new Command("serve", "Run the HTTP API and web UI") { urls };
        command.SetAction(async (parse, ct) =>
        {
            var args = new List<string>();
            if (parse.GetValue(CliApp.IndexOption) is { } index)
            {
                args.Add($"--Search:IndexPath={Path.GetFullPath(index)}");
            }

            args.Add($"--urls={parse.GetValue(urls) ?? "http://localhost:5000"}");
            await using var app = await HttpApp.CreateAsync(args.ToArray(), configure: null, ct).ConfigureAwait(false);
            await app.StartAsync(ct).ConfigureAwait(false);
            foreach (var address in app.Urls)
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync($"Search is serving at {address}/ (API: {address}/api/search?q=counterfeit, documentation: {address}/docs/, OpenAPI: {address}/openapi/v1.json). Press Ctrl+C to stop.").ConfigureAwait(false);
            }

            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
