using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Http;

public sealed class SearchApiTests : IDisposable
{
    private readonly SearchApplication _app = new();
    private readonly HttpClient _client;

    public SearchApiTests()
    {
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private async Task<JsonElement> GetJsonAsync(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Search_WithStudyGroupFilter_ReturnsRankedHighlightedResultsWithFacets()
    {
        var body = await GetJsonAsync("/api/search?q=counterfeit&sg=11");

        Assert.Equal(1, body.GetProperty("total").GetInt32());
        var hit = body.GetProperty("hits")[0];
        Assert.Equal("SG11-C0001.txt", hit.GetProperty("id").GetString());
        Assert.Equal("SG11-C0001.txt", hit.GetProperty("path").GetString());
        Assert.Equal("contribution", hit.GetProperty("kind").GetString());
        Assert.Equal("Counterfeit devices and IMEI checks", hit.GetProperty("title").GetString());
        Assert.True(hit.GetProperty("score").GetSingle() > 0);
        Assert.Contains("<mark>Counterfeit</mark>", hit.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Equal("SG11-C1", hit.GetProperty("metadata").GetProperty("number").GetString());

        // Multi-select: the sg facet is counted without its own selection.
        var sg = body.GetProperty("facets").GetProperty("sg").EnumerateArray().ToDictionary(v => v.GetProperty("value").GetString()!, v => v.GetProperty("count").GetInt32());
        Assert.Equal(1, sg["SG11"]);
        Assert.Equal(1, sg["SG17"]);
    }

    [Fact]
    public async Task Search_FacetsParameter_CountsAllNoneOrTheNamedFacets_WithTheSameHits()
    {
        var all = await GetJsonAsync("/api/search?q=security&sg=17&mode=bm25");
        var none = await GetJsonAsync("/api/search?q=security&sg=17&mode=bm25&facets=false");
        var some = await GetJsonAsync("/api/search?q=security&sg=17&mode=bm25&facets=sg,kind");

        string Ids(JsonElement body) => string.Join(' ', body.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()));
        Assert.Equal(Ids(all), Ids(none));
        Assert.Equal(Ids(all), Ids(some));
        Assert.Equal(all.GetProperty("total").GetInt32(), none.GetProperty("total").GetInt32());
        Assert.True(all.GetProperty("facets").EnumerateObject().Count() > 2);
        Assert.Empty(none.GetProperty("facets").EnumerateObject());
        Assert.Equal(["sg", "kind"], some.GetProperty("facets").EnumerateObject().Select(p => p.Name));
        Assert.Equal(all.GetProperty("facets").GetProperty("sg").ToString(), some.GetProperty("facets").GetProperty("sg").ToString());

        var bad = await GetJsonAsync("/api/search?q=security&facets=sg,colour", HttpStatusCode.BadRequest);
        Assert.Contains("colour", bad.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_SnippetsFalse_AndSizeAlias_AreHonoured()
    {
        var plain = await GetJsonAsync("/api/search?q=counterfeit&mode=bm25&snippets=false&size=1");
        Assert.Equal(1, plain.GetProperty("pageSize").GetInt32());
        var hit = plain.GetProperty("hits")[0];
        Assert.DoesNotContain("<mark>", hit.GetProperty("snippet").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_WithoutMode_UsesTheConfiguredDefaultMode()
    {
        using var keywordService = new SearchApplication(settings: new Dictionary<string, string> { ["Search:DefaultMode"] = "bm25" });
        using var client = keywordService.CreateClient();
        var keyword = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/search?q=counterfeit", UriKind.Relative));
        Assert.Equal("bm25", keyword.GetProperty("requestedMode").GetString());
        Assert.Equal(JsonValueKind.Null, keyword.TryGetProperty("notice", out var none) ? none.ValueKind : JsonValueKind.Null);

        var hybrid = await GetJsonAsync("/api/search?q=counterfeit");
        Assert.Equal("hybrid", hybrid.GetProperty("requestedMode").GetString());
    }

    [Fact]
    public async Task Search_Phrase_IsHighlightedAsAWhole()
    {
        var body = await GetJsonAsync("/api/search?q=%22counterfeit%20devices%22");
        Assert.Equal(1, body.GetProperty("total").GetInt32());
        Assert.Contains("<mark>counterfeit devices</mark>", body.GetProperty("hits")[0].GetProperty("snippet").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_InvalidQuery_Is400ProblemWithPosition()
    {
        using var response = await _client.GetAsync(new Uri("/api/search?q=counterfeit%20AND", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Invalid query", problem.GetProperty("title").GetString());
        Assert.Equal(16, problem.GetProperty("position").GetInt32());
        Assert.Contains("position 16", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/search?q=x&pageSize=1000", "pageSize")]
    [InlineData("/api/search?q=x&page=0", "page")]
    [InlineData("/api/search?q=x&sort=sideways", "sort")]
    public async Task Search_OutOfLimits_Is400ProblemNamingTheField(string url, string field)
    {
        var problem = await GetJsonAsync(url, HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Search_QueryTooLong_Is400()
    {
        var problem = await GetJsonAsync("/api/search?q=" + new string('a', 1200), HttpStatusCode.BadRequest);
        Assert.Equal("q", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Search_BadDate_Is400NotA500()
    {
        using var response = await _client.GetAsync(new Uri("/api/search?q=x&from=yesterday", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Document_IsReturnedWithMetadataAndText_AndUnknownIdIs404()
    {
        var doc = await GetJsonAsync("/api/documents/SG17-C0002.txt");
        Assert.Equal("SG17-C2", doc.GetProperty("metadata").GetProperty("number").GetString());
        Assert.Equal("Q15/17", doc.GetProperty("metadata").GetProperty("questions")[0].GetString());
        Assert.Contains("key management", doc.GetProperty("text").GetString(), StringComparison.Ordinal);

        var missing = await GetJsonAsync("/api/documents/nope.txt", HttpStatusCode.NotFound);
        Assert.Equal("Document not found", missing.GetProperty("title").GetString());
    }

    [Fact]
    public async Task DocumentFile_ReturnsTheOriginalBytes_AndNeverAPathFromTheRequest()
    {
        using var response = await _client.GetAsync(new Uri("/api/documents/SG20-TD0004.txt/file", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_app.Corpus, "SG20-TD0004.txt")), await response.Content.ReadAsByteArrayAsync());

        foreach (var attack in new[] { "..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "..%5C..%5Cwindows" })
        {
            using var bad = await _client.GetAsync(new Uri($"/api/documents/{attack}/file", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);
        }
    }

    [Fact]
    public async Task Facets_CountEveryDocument()
    {
        var facets = await GetJsonAsync("/api/facets");
        var kind = facets.GetProperty("kind").EnumerateArray().ToDictionary(v => v.GetProperty("value").GetString()!, v => v.GetProperty("count").GetInt32());
        Assert.Equal(2, kind["contribution"]);
        Assert.Equal(1, kind["td"]);
    }

    [Fact]
    public async Task Health_ReportsDocumentCount()
    {
        var health = await GetJsonAsync("/healthz");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(3, health.GetProperty("documents").GetInt32());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheApi()
    {
        var doc = await GetJsonAsync("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/search", out _));
        Assert.True(paths.TryGetProperty("/api/documents/{id}", out _));
    }
}
