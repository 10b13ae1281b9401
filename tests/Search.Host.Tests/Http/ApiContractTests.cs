using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Http;

/// <summary>The API's description (OpenAPI, the offline docs page), unknown facet values and the exported result file.</summary>
public sealed partial class ApiContractTests : IDisposable
{
    private readonly SearchApplication _app = new();
    private readonly HttpClient _client;

    public ApiContractTests()
    {
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Fact]
    public async Task OpenApi_ListsTheFacetParameters_AndTheProblemDetailsAnswers()
    {
        using var doc = JsonDocument.Parse(await _client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var paths = doc.RootElement.GetProperty("paths");

        foreach (var path in new[] { "/api/search", "/api/search/export", "/api/facets" })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            var names = get.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToHashSet();
            foreach (var facet in new[] { "sg", "question", "kind", "period", "year", "topic", "format", "series", "mentions" })
            {
                Assert.True(names.Contains(facet), $"{path} lacks '{facet}'");
            }
        }

        Assert.Contains("q", paths.GetProperty("/api/search").GetProperty("get").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        static JsonElement Responses(JsonElement paths, string path, string method) => paths.GetProperty(path).GetProperty(method).GetProperty("responses");
        foreach (var status in new[] { "200", "400", "401", "403" })
        {
            Assert.True(Responses(paths, "/api/search", "get").TryGetProperty(status, out _), $"/api/search lacks {status}");
        }

        Assert.True(Responses(paths, "/api/documents/{id}", "get").TryGetProperty("404", out _));
        Assert.True(Responses(paths, "/api/overlaps", "get").TryGetProperty("503", out _));
        Assert.True(Responses(paths, "/api/documents/{id}/topics/{topic}", "put").TryGetProperty("503", out _));
        var problem = Responses(paths, "/api/search", "get").GetProperty("400").GetProperty("content").GetProperty("application/problem+json").GetProperty("schema");
        Assert.Equal("#/components/schemas/ProblemDetails", problem.GetProperty("$ref").GetString());
        Assert.True(doc.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails").GetProperty("properties").TryGetProperty("detail", out _));
    }

    [Fact]
    public async Task DocsPage_IsServedWithItsAssets_FromTheServiceItself()
    {
        using var page = await _client.GetAsync(new Uri("/docs/index.html", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();

        // No external URL: every script and stylesheet comes from the service (works offline, no CDN).
        Assert.DoesNotMatch(ExternalUrl(), html);
        var assets = AssetReference().Matches(html).Select(m => m.Groups[1].Value).Where(a => !a.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(assets);
        foreach (var asset in assets)
        {
            using var response = await _client.GetAsync(new Uri(new Uri(_client.BaseAddress!, "/docs/index.html"), asset));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {response.StatusCode}");
        }

        // The page's configuration points at the service's own OpenAPI document.
        var config = await _client.GetStringAsync(new Uri("/docs/index.js", UriKind.Relative));
        Assert.Contains("/openapi/v1.json", config, StringComparison.Ordinal);
        Assert.DoesNotMatch(ExternalUrl(), Comments().Replace(config, string.Empty)); // its comments cite sources; no code fetches from outside
    }

    [Fact]
    public async Task AFacetValueNoDocumentHas_IsA400NamingTheFacet()
    {
        using var response = await _client.GetAsync(new Uri("/api/search?q=counterfeit&sg=99", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("sg", problem.GetProperty("field").GetString());
        Assert.Contains("no document has sg '99'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var known = await _client.GetAsync(new Uri("/api/search?q=counterfeit&sg=11&mode=bm25", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
    }

    [Fact]
    public async Task ExportCsv_IsNamedByQueryAndDate_WithScoreDeadlineAndForActionColumns()
    {
        using var response = await _client.GetAsync(new Uri("/api/search/export?q=counterfeit&mode=bm25&download=csv", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var name = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName;
        Assert.Equal($"search-counterfeit-{DateTime.UtcNow:yyyy-MM-dd}.csv", name?.Trim('"'));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Trim().Split(',');
        foreach (var column in new[] { "rank", "score", "kind", "number", "group", "date", "deadline", "forAction" })
        {
            Assert.Contains(column, header);
        }

        Assert.Equal(3, lines.Length); // two documents mention counterfeit
        Assert.StartsWith("1,", lines[1], StringComparison.Ordinal);
    }

    [GeneratedRegex(@"/\*.*?\*/|^[ \t]*//[^\n]*", RegexOptions.Singleline | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Comments();

    [GeneratedRegex(@"(?:src|href)\s*=\s*""(?!https?:)([^""#]+)""", RegexOptions.CultureInvariant)]
    private static partial Regex AssetReference();

    [GeneratedRegex(@"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExternalUrl();
}
