using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Http;

public sealed class TopicApiTests : IDisposable
{
    private readonly SearchApplication _app = new();
    private readonly HttpClient _client;

    public TopicApiTests()
    {
        _client = _app.CreateWriterClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private async Task<JsonElement> JsonAsync(HttpMethod method, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        using var response = await _client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<Dictionary<string, int>> TopicFacetAsync(string query = "")
    {
        var body = await JsonAsync(HttpMethod.Get, "/api/search?q=" + query);
        return body.GetProperty("facets").GetProperty("topic").EnumerateArray()
            .ToDictionary(v => v.GetProperty("value").GetString()!, v => v.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task TopicFacet_CountsEachTopic_AndFiltersResults()
    {
        Assert.Equal(new Dictionary<string, int> { ["counterfeit"] = 1, ["iot"] = 1, ["quantum"] = 1 }, await TopicFacetAsync());

        var quantum = await JsonAsync(HttpMethod.Get, "/api/search?topic=quantum");
        Assert.Equal(1, quantum.GetProperty("total").GetInt32());
        Assert.Equal("SG17-C0002.txt", quantum.GetProperty("hits")[0].GetProperty("id").GetString());
        Assert.Equal("quantum", quantum.GetProperty("hits")[0].GetProperty("topics")[0].GetString());

        var either = await JsonAsync(HttpMethod.Get, "/api/search?topic=quantum&topic=iot");
        Assert.Equal(2, either.GetProperty("total").GetInt32());

        var query = await JsonAsync(HttpMethod.Get, "/api/search?q=topic:counterfeit");
        Assert.Equal("SG11-C0001.txt", query.GetProperty("hits")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Document_GivesTopicsWithConfidenceAndEvidence()
    {
        var doc = await JsonAsync(HttpMethod.Get, "/api/documents/SG20-TD0004.txt");
        var topic = Assert.Single(doc.GetProperty("topics").EnumerateArray());
        Assert.Equal("iot", topic.GetProperty("topic").GetString());
        Assert.InRange(topic.GetProperty("confidence").GetSingle(), 0.5f, 1f);
        Assert.False(string.IsNullOrEmpty(topic.GetProperty("evidence").GetString()));
        Assert.False(topic.GetProperty("overridden").GetBoolean());
    }

    [Fact]
    public async Task Override_ChangesFacetCounts_IsListed_AndCanBeCleared()
    {
        var after = await JsonAsync(HttpMethod.Put, "/api/documents/SG20-TD0004.txt/topics/quantum?value=true");
        Assert.Contains(after.EnumerateArray(), t => t.GetProperty("topic").GetString() == "quantum" && t.GetProperty("overridden").GetBoolean());
        await JsonAsync(HttpMethod.Put, "/api/documents/SG20-TD0004.txt/topics/iot?value=false");

        Assert.Equal(new Dictionary<string, int> { ["counterfeit"] = 1, ["quantum"] = 2 }, await TopicFacetAsync());
        var overrides = await JsonAsync(HttpMethod.Get, "/api/overrides");
        Assert.Equal(2, overrides.GetArrayLength());

        await JsonAsync(HttpMethod.Delete, "/api/documents/SG20-TD0004.txt/topics/quantum");
        await JsonAsync(HttpMethod.Delete, "/api/documents/SG20-TD0004.txt/topics/iot");
        Assert.Equal(new Dictionary<string, int> { ["counterfeit"] = 1, ["iot"] = 1, ["quantum"] = 1 }, await TopicFacetAsync());
        Assert.Equal(0, (await JsonAsync(HttpMethod.Get, "/api/overrides")).GetArrayLength());
    }

    [Fact]
    public async Task Override_OfUnknownTopicOrDocument_IsAProblem()
    {
        var topic = await JsonAsync(HttpMethod.Put, "/api/documents/SG20-TD0004.txt/topics/astrology?value=true", HttpStatusCode.BadRequest);
        Assert.Equal("topic", topic.GetProperty("field").GetString());
        var doc = await JsonAsync(HttpMethod.Put, "/api/documents/nope.txt/topics/iot?value=true", HttpStatusCode.NotFound);
        Assert.Equal("Document not found", doc.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Topics_DescribesTheTaxonomyAndThresholds()
    {
        var topics = await JsonAsync(HttpMethod.Get, "/api/topics");
        Assert.True(topics.GetProperty("enabled").GetBoolean());
        Assert.Equal(3, topics.GetProperty("topics").GetArrayLength());
        Assert.Equal(3, topics.GetProperty("thresholds").GetArrayLength());
    }
}
