using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Http;

/// <summary>Writes need the API key (generated at first start, or configured); reads are open unless configured otherwise; /healthz tells no paths.</summary>
public sealed class AccessTests : IDisposable
{
    private const string Override = "/api/documents/SG20-TD0004.txt/topics/quantum";

    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var d in _owned)
        {
            d.Dispose();
        }
    }

    private (SearchApplication App, HttpClient Client) Start(Dictionary<string, string>? settings = null)
    {
        var app = new SearchApplication(settings: settings);
        var client = app.CreateClient();
        _owned.Add(app);
        _owned.Add(client);
        return (app, client);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string? key = null, bool bearer = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (key is not null && bearer)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }
        else if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await client.SendAsync(request);
    }

    private static async Task<int> OverrideCountAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/overrides")).GetArrayLength();

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("X-Api-Key", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Writes_WithoutAKeyOrWithAWrongOne_Are401And403_AndChangeNothing()
    {
        var (_, client) = Start();
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete })
        {
            var url = method == HttpMethod.Put ? Override + "?value=true" : Override;
            using var none = await SendAsync(client, method, url);
            await AssertProblemAsync(none, HttpStatusCode.Unauthorized);
            Assert.Contains("Bearer", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            using var wrong = await SendAsync(client, method, url, "wrong-key");
            await AssertProblemAsync(wrong, HttpStatusCode.Forbidden);
            using var wrongBearer = await SendAsync(client, method, url, "wrong-key", bearer: true);
            await AssertProblemAsync(wrongBearer, HttpStatusCode.Forbidden);
        }

        // Refused before the parameters are read: a request without a key learns nothing about them.
        using var bad = await SendAsync(client, HttpMethod.Put, Override + "?value=maybe");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(0, await OverrideCountAsync(client));
    }

    [Fact]
    public async Task Writes_WithTheGeneratedKey_Work_AsXApiKeyOrBearer()
    {
        var (app, client) = Start();
        using var put = await SendAsync(client, HttpMethod.Put, Override + "?value=true", app.ApiKey);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(1, await OverrideCountAsync(client));
        using var delete = await SendAsync(client, HttpMethod.Delete, Override, app.ApiKey, bearer: true);
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(0, await OverrideCountAsync(client));
        using var access = await SendAsync(client, HttpMethod.Get, "/api/access", app.ApiKey);
        Assert.Equal(HttpStatusCode.OK, access.StatusCode);
    }

    [Fact]
    public async Task TheGeneratedKeyFile_IsInTheIndexFolder_ReadableByItsOwnerOnly_AndKeptAcrossStarts()
    {
        var (app, _) = Start();
        var file = Path.Combine(app.IndexPath, "api-key");
        Assert.True(File.Exists(file));
        Assert.Equal(64, app.ApiKey.Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var key = app.ApiKey;
        using var again = new SearchApplication();
        Assert.NotEqual(key, File.Exists(Path.Combine(again.IndexPath, "api-key")) ? File.ReadAllText(Path.Combine(again.IndexPath, "api-key")).Trim() : null);
    }

    [Fact]
    public async Task ConfiguredKeys_AreTheOnlyKeys_AndNoFileIsWritten()
    {
        var (app, client) = Start(new() { ["Search:ApiKeys:0"] = "first-key", ["Search:ApiKeys:1"] = "second-key" });
        using var first = await SendAsync(client, HttpMethod.Put, Override + "?value=true", "first-key");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await SendAsync(client, HttpMethod.Delete, Override, "second-key", bearer: true);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using var prefix = await SendAsync(client, HttpMethod.Delete, Override, "first-ke");
        Assert.Equal(HttpStatusCode.Forbidden, prefix.StatusCode);
        Assert.False(File.Exists(Path.Combine(app.IndexPath, "api-key")));
    }

    [Fact]
    public async Task Reads_AreOpenByDefault_AndNeedTheKeyWhenConfigured()
    {
        var (_, open) = Start();
        using var anonymous = await SendAsync(open, HttpMethod.Get, "/api/search?q=counterfeit");
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);

        var (closedApp, closed) = Start(new() { ["Search:RequireKeyForReads"] = "true" });
        using var refused = await SendAsync(closed, HttpMethod.Get, "/api/search?q=counterfeit");
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized);
        using var wrong = await SendAsync(closed, HttpMethod.Get, "/api/documents/SG11-C0001.txt/file", "nope");
        await AssertProblemAsync(wrong, HttpStatusCode.Forbidden);
        using var allowed = await SendAsync(closed, HttpMethod.Get, "/api/search?q=counterfeit", closedApp.ApiKey);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using var health = await SendAsync(closed, HttpMethod.Get, "/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Health_ShowsNoPathToAnonymousCallers_AndTheFoldersToOperators()
    {
        var (app, client) = Start();
        using var anonymous = await SendAsync(client, HttpMethod.Get, "/healthz");
        var text = await anonymous.Content.ReadAsStringAsync();
        Assert.DoesNotContain(app.Root, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), text, StringComparison.Ordinal);
        var body = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(3, body.GetProperty("documents").GetInt32());
        Assert.True(body.TryGetProperty("semantic", out _));
        Assert.True(body.GetProperty("typoToleranceReady").GetBoolean()); // three documents: built at once
        Assert.True(body.GetProperty("warmedUp").GetBoolean()); // and nothing to warm

        using var wrong = await SendAsync(client, HttpMethod.Get, "/healthz", "wrong");
        Assert.DoesNotContain(app.Root, await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var operatorView = await SendAsync(client, HttpMethod.Get, "/healthz", app.ApiKey);
        var details = (await operatorView.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operator");
        Assert.Equal(app.IndexPath, details.GetProperty("index").GetString());
    }

    [Fact]
    public async Task Health_SaysWarmedUp_OnlyAfterTheStartUpWarmUp_AndWhatItRan()
    {
        var (_, client) = Start(new() { ["Search:WarmUpMinDocuments"] = "0", ["Search:WarmUpSeconds"] = "5" });
        JsonElement body = default;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            using var health = await SendAsync(client, HttpMethod.Get, "/healthz");
            body = await health.Content.ReadFromJsonAsync<JsonElement>();
            var report = body.GetProperty("warmUp");
            Assert.Equal(report.ValueKind != JsonValueKind.Null, body.GetProperty("warmedUp").GetBoolean());
            if (report.ValueKind != JsonValueKind.Null)
            {
                break;
            }

            await Task.Delay(100);
        }

        var warmUp = body.GetProperty("warmUp");
        Assert.True(warmUp.GetProperty("searches").GetInt32() > 0, warmUp.ToString());
        Assert.True(warmUp.GetProperty("matched").GetInt32() > 0, warmUp.ToString());
        Assert.True(warmUp.GetProperty("kinds").TryGetProperty("filtered", out _), warmUp.ToString());
        Assert.Equal(JsonValueKind.Null, warmUp.GetProperty("skipped").ValueKind);
    }

    [Fact]
    public async Task Health_OfASmallIndex_SaysWhyItWasNotWarmedUp()
    {
        var (_, client) = Start(new() { ["Search:WarmUpMinDocuments"] = "1000" });
        JsonElement warmUp = default;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            using var health = await SendAsync(client, HttpMethod.Get, "/healthz");
            var body = await health.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(body.GetProperty("warmedUp").GetBoolean()); // nothing to wait for
            warmUp = body.GetProperty("warmUp");
            await Task.Delay(50);
        }
        while (warmUp.ValueKind == JsonValueKind.Null && clock.Elapsed < TimeSpan.FromSeconds(30));

        Assert.Contains("below WarmUpMinDocuments (1000)", warmUp.GetProperty("skipped").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, warmUp.GetProperty("searches").GetInt32());
    }

    [Fact]
    public async Task AnIndexThatGrowsPastWarmUpMinDocuments_IsWarmedUpThen()
    {
        var (app, client) = Start(new() { ["Search:WarmUpMinDocuments"] = "4", ["Search:WarmUpSeconds"] = "5" });
        using (var health = await SendAsync(client, HttpMethod.Get, "/healthz"))
        {
            Assert.True((await health.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("warmedUp").GetBoolean()); // three documents: nothing to warm
        }

        // A fourth document, ingested as a CLI run would: the service follows the commit, then warms up.
        File.Copy(Path.Combine(app.Corpus, "SG11-C0001.txt"), Path.Combine(app.Corpus, "SG11-C0009.txt"));
        await app.Services.GetRequiredService<Search.Core.Indexing.IngestionPipeline>()
            .IngestAsync(app.Corpus, new Search.Core.Indexing.IngestionRun(), null, CancellationToken.None);
        JsonElement body = default;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await Task.Delay(200);
            using var health = await SendAsync(client, HttpMethod.Get, "/healthz");
            body = await health.Content.ReadFromJsonAsync<JsonElement>();
        }
        while (body.GetProperty("warmUp").GetProperty("searches").GetInt32() == 0 && clock.Elapsed < TimeSpan.FromSeconds(60));

        Assert.Equal(4, body.GetProperty("documents").GetInt32());
        Assert.True(body.GetProperty("warmUp").GetProperty("searches").GetInt32() > 0, body.ToString());
        Assert.True(body.GetProperty("warmedUp").GetBoolean());
    }
}
