using System.Net.Http.Json;
using System.Text.Json;
using Search.Core.Tests.Support;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Http;

/// <summary>
/// The service tags documents with the text topic model once they are indexed, then, once passages are
/// embedded, re-tags them with the model that also reads sentence embeddings; /healthz tells where it stands.
/// </summary>
public sealed class TopicRefinementApiTests : IDisposable
{
    private readonly SearchApplication _app;
    private readonly HttpClient _client;

    public TopicRefinementApiTests()
    {
        // A small training set keeps the embedding of training passages short.
        var folder = Directory.CreateTempSubdirectory("search-topic-fixture-").FullName;
        var (taxonomy, training) = TopicFixtures.WriteSmall(folder);
        _fixture = folder;
        _app = new SearchApplication(semantic: true, new Dictionary<string, string>
        {
            ["Search:TopicEmbeddings"] = "true",
            ["Search:TopicsPath"] = taxonomy,
            ["Search:TrainingPath"] = training,
        });
        _client = _app.CreateClient();
    }

    private readonly string _fixture;

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
        Directory.Delete(_fixture, recursive: true);
    }

    [Fact]
    public async Task Healthz_ReportsRefinement_AndDocumentsEndTaggedByTheEmbeddingModel()
    {
        JsonElement topics = default;
        for (var i = 0; i < 1200; i++)
        {
            topics = (await _client.GetFromJsonAsync<JsonElement>(new Uri("/healthz", UriKind.Relative))).GetProperty("topics");
            Assert.True(topics.GetProperty("enabled").GetBoolean());
            Assert.NotEqual("failed", topics.GetProperty("state").GetString());
            if (topics.GetProperty("ready").GetBoolean())
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.True(topics.GetProperty("ready").GetBoolean(), $"topics were not refined in 120 s: {topics}");
        var model = topics.GetProperty("model").GetString()!;
        Assert.StartsWith("text+", model, StringComparison.Ordinal);
        Assert.Equal(3, topics.GetProperty("documents").GetInt32());
        Assert.Equal(3, topics.GetProperty("tagged").GetInt32());
        Assert.Equal(3, topics.GetProperty("taggedWithEmbeddings").GetInt32());

        var qkd = await _client.GetFromJsonAsync<JsonElement>(new Uri("/api/documents/SG17-C0002.txt", UriKind.Relative));
        Assert.Equal(model, qkd.GetProperty("topicsBy").GetString());
        Assert.Contains("quantum", qkd.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("topic").GetString()));

        var report = await _client.GetFromJsonAsync<JsonElement>(new Uri("/api/topics", UriKind.Relative));
        Assert.Equal(["text", model], report.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("model").GetString()));
        Assert.Equal(
            report.GetProperty("models")[1].GetProperty("thresholds").GetRawText(),
            report.GetProperty("thresholds").GetRawText());
    }
}
