using System.Net.Http.Json;
using System.Text.Json;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Http;

/// <summary>
/// The service tags documents with the text topic model while indexing, then, once passages are
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
        File.WriteAllText(Path.Combine(folder, "topics.tsv"), "id\tlabel\tdescription\nquantum\tQuantum\tQKD and post-quantum cryptography\ncounterfeit\tCounterfeit\tCounterfeit and stolen devices\n");
        Directory.CreateDirectory(Path.Combine(folder, "training"));
        string[] quantum =
        [
            "Quantum key distribution creates shared keys from single photons sent over fibre.",
            "The QKD network relays keys through trusted nodes between distant sites.",
            "Post-quantum cryptography replaces RSA signatures before large quantum computers arrive.",
            "Key management in QKD networks supplies keys to encryptors at each end.",
            "Trusted nodes in a quantum key distribution network must be physically protected.",
            "The QKD link measures the quantum bit error rate to detect eavesdropping.",
        ];
        string[] counterfeit =
        [
            "Counterfeit handsets carry cloned IMEI numbers copied from genuine devices.",
            "Operators block stolen phones by listing their IMEI in an equipment identity register.",
            "Fake chargers and counterfeit batteries overheat and endanger users.",
            "Customs seize counterfeit mobile devices that imitate well-known brands.",
            "A central database of device identifiers lets regulators detect duplicated IMEI values.",
            "Stolen devices are resold abroad once their identifiers are changed.",
        ];
        string[] none =
        [
            "The meeting approved the agenda and the report of the previous meeting.",
            "Video coding efficiency improved by thirty percent over the previous codec.",
            "The optical transport network carries client signals in ODU containers.",
            "Smart meters report energy consumption every fifteen minutes.",
            "The numbering plan assigns country codes of one to three digits.",
            "Time synchronisation in mobile networks needs accurate clocks.",
        ];
        var n = 0;
        File.WriteAllLines(Path.Combine(folder, "training", "passages.tsv"),
            new[] { "id\ttopics\ttext" }
                .Concat(quantum.Select(t => $"t{++n:000}\tquantum\t{t}"))
                .Concat(counterfeit.Select(t => $"t{++n:000}\tcounterfeit\t{t}"))
                .Concat(none.Select(t => $"t{++n:000}\t\t{t}")));
        _fixture = folder;
        _app = new SearchApplication(semantic: true, new Dictionary<string, string>
        {
            ["Search:TopicEmbeddings"] = "true",
            ["Search:TopicsPath"] = Path.Combine(folder, "topics.tsv"),
            ["Search:TrainingPath"] = Path.Combine(folder, "training"),
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
        Assert.Equal(3, topics.GetProperty("refined").GetInt32());

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
