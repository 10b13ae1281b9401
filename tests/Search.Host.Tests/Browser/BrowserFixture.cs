using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Search.Host.Http;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Browser;

/// <summary>
/// The real service on Kestrel (loopback, a free port) over a slice of the bundled corpus, with
/// semantic search ready, and Debian's Chromium driven by Playwright. Screenshots go to
/// artifacts/screenshots at the repository top.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    // Documents of several groups and topics, with planted overlaps and citations among them.
    private static readonly string[] Documents =
    [
        "SG11-C0024.docx", "SG11-C0187.txt", "SG11-LS0061.docx", "SG11-LS0070.docx", "SG2-LS0045.docx", "SG5-C0067.docx",
        "SG12-LS0040.docx", "SG21-LS0012.docx", "SG13-LS0120.docx", "SG17-LS0215.docx", "SG13-C0045.pdf", "SG17-C0031.docx",
        "SG17-LS0230.docx", "SG20-LS0088.docx", "SG20-C0066.docx", "SG17-C0214.pdf", "SG17-C0052.docx", "SG11-C0058.docx",
        "SG15-C0845.docx", "SG16-C0345.docx",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("search-browser-").FullName;
    private WebApplication? _app;
    private IPlaywright? _playwright;

    /// <summary>The service's one API key (configured, so that no key file is needed).</summary>
    public const string ApiKey = "browser-test-key";

    public string BaseUrl { get; private set; } = string.Empty;

    public IBrowser Browser { get; private set; } = null!;

    public string Screenshots { get; } = Path.Combine(RepoRoot(), "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        var corpus = Path.Combine(_root, "corpus");
        Directory.CreateDirectory(corpus);
        foreach (var name in Documents)
        {
            File.Copy(Path.Combine(RepoRoot(), "corpus", "documents", name), Path.Combine(corpus, name));
        }

        var index = Path.Combine(_root, "index");
        SharedModel.CopyInto(index);
        _app = await HttpApp.CreateAsync(
            ["--urls=http://127.0.0.1:0", $"--Search:IndexPath={index}", $"--Search:CorpusPath={corpus}", "--Logging:LogLevel:Default=Warning", "--Search:TopicEmbeddings=false", $"--Search:ApiKeys:0={ApiKey}"],
            configure: null,
            CancellationToken.None);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        // Wait until the background embedding has finished, as a user would see on /healthz.
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        for (var i = 0; i < 1200; i++)
        {
            var health = await http.GetFromJsonAsync<JsonElement>("/healthz");
            if (health.GetProperty("semantic").GetProperty("ready").GetBoolean())
            {
                break;
            }

            await Task.Delay(100);
        }

        Directory.CreateDirectory(Screenshots);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true });
        return await context.NewPageAsync();
    }

    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Search.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Search.sln not found");
    }
}
