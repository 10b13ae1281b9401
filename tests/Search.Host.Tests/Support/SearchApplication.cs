using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Search.Host.Tests.Support;

/// <summary>The real ASP.NET pipeline on a temp index, built on first use from a temp corpus of test documents.</summary>
public sealed class SearchApplication : WebApplicationFactory<Program>
{
    private readonly string _root = Directory.CreateTempSubdirectory("search-host-test-").FullName;
    private readonly bool _semantic;
    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <param name="semantic">Whether passages are embedded (in the background, as in production); off by default so that keyword tests are deterministic.</param>
    /// <param name="settings">More settings (Search:TopicEmbeddings is off unless given here, so that topics do not change under a test).</param>
    public SearchApplication(bool semantic = false, IReadOnlyDictionary<string, string>? settings = null)
    {
        _semantic = semantic;
        _settings = settings ?? new Dictionary<string, string>();
        Corpus = Path.Combine(_root, "corpus");
        Directory.CreateDirectory(Corpus);
        Fixtures.WriteCorpus(Corpus);
        SharedModel.CopyInto(IndexPath);
    }

    public string Corpus { get; }

    public string IndexPath => Path.Combine(_root, "index");

    public string Root => _root;

    /// <summary>The key the service generated at first start (the host must have started: create a client first).</summary>
    public string ApiKey => File.ReadAllText(Path.Combine(IndexPath, "api-key")).Trim();

    /// <summary>A client that sends the API key, for the endpoints that change state.</summary>
    public HttpClient CreateWriterClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Search:IndexPath", IndexPath);
        builder.UseSetting("Search:CorpusPath", Corpus);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Search:SemanticEnabled", _semantic ? "true" : "false");
        builder.UseSetting("Search:TopicEmbeddings", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
