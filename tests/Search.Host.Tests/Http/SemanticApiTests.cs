using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Http;

/// <summary>The service embeds passages in the background: keyword search answers at once, hybrid search once /healthz says ready.</summary>
public sealed class SemanticApiTests : IDisposable
{
    private readonly SearchApplication _app = new(semantic: true);
    private readonly HttpClient _client;

    public SemanticApiTests()
    {
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private async Task<JsonElement> GetAsync(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task WaitUntilReadyAsync()
    {
        for (var i = 0; i < 600; i++)
        {
            var health = await GetAsync("/healthz");
            var semantic = health.GetProperty("semantic");
            if (semantic.GetProperty("ready").GetBoolean())
            {
                return;
            }

            Assert.NotEqual("failed", semantic.GetProperty("state").GetString());
            await Task.Delay(100);
        }

        Assert.Fail("semantic search did not become ready in 60 s");
    }

    [Fact]
    public async Task HealthShowsSemanticProgress_AndHybridSearchServesOnceReady()
    {
        var health = await GetAsync("/healthz");
        Assert.True(health.GetProperty("semantic").GetProperty("enabled").GetBoolean());
        Assert.Equal(3, health.GetProperty("semantic").GetProperty("documents").GetInt32());

        await WaitUntilReadyAsync();
        var body = await GetAsync("/api/search?q=fake%20phones&mode=hybrid");
        Assert.Equal("hybrid", body.GetProperty("mode").GetString());
        var hit = body.GetProperty("hits")[0];
        Assert.Equal("SG11-C0001.txt", hit.GetProperty("id").GetString());
        Assert.True(hit.GetProperty("scores").GetProperty("semantic").GetSingle() > 0);
    }

    [Fact]
    public async Task Related_ListsOtherDocumentsWithTheirStudyGroups()
    {
        await WaitUntilReadyAsync();
        var related = await GetAsync("/api/documents/SG17-C0002.txt/related?limit=5");
        Assert.Equal(2, related.GetArrayLength());
        Assert.All(related.EnumerateArray(), r => Assert.NotEqual("SG17-C0002.txt", r.GetProperty("id").GetString()));
        Assert.All(related.EnumerateArray(), r => Assert.StartsWith("SG", r.GetProperty("group").GetString(), StringComparison.Ordinal));

        await GetAsync("/api/documents/nope.txt/related", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UnknownMode_IsA400()
    {
        var problem = await GetAsync("/api/search?q=x&mode=telepathic", HttpStatusCode.BadRequest);
        Assert.Equal("mode", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Overlaps_AreServedAsJsonAndCsv_AndValidated()
    {
        await WaitUntilReadyAsync();
        var report = await GetAsync("/api/overlaps?minSimilarity=0.2");
        Assert.True(report.GetProperty("pairs").GetArrayLength() > 0);
        var pair = report.GetProperty("pairs")[0];
        Assert.NotEqual(pair.GetProperty("first").GetProperty("group").GetString(), pair.GetProperty("second").GetProperty("group").GetString());
        Assert.Equal(3, report.GetProperty("documents").GetInt32());

        using var csv = await _client.GetAsync(new Uri("/api/overlaps?minSimilarity=0.2&download=csv", UriKind.Relative));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("rank,score,cluster,first_id", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var problem = await GetAsync("/api/overlaps?minSimilarity=2", HttpStatusCode.BadRequest);
        Assert.Equal("minSimilarity", problem.GetProperty("field").GetString());
    }
}
