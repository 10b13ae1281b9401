using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Search.Core.Tests.Support;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Cli;

/// <summary>
/// Several real processes on one index folder, as operators run them: the <c>search</c> executable
/// started as a child process beside the service (the real ASP.NET pipeline in this process) or
/// another CLI, and killed with SIGKILL at random moments.
/// </summary>
public sealed class ProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private static readonly Dictionary<string, string> KeywordOnly = new() { ["Search__SemanticEnabled"] = "false" };
    private readonly string _root = Directory.CreateTempSubdirectory("search-process-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Index => Path.Combine(_root, "index");

    private string Path_(string name) => Path.Combine(_root, name);

    private static Task<(int Exit, string Out, string Err)> Search(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        SearchProcess.RunAsync(Path.GetTempPath(), environment, Timeout, args);

    private static async Task<List<string>> ExportedIds(string index)
    {
        var (exit, output, error) = await Search(KeywordOnly, "export", "--index", index);
        Assert.True(exit == 0, $"export failed ({exit}): {error}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToList();
    }

    private const string Key = "process-test-key";

    /// <summary>The service on this test's index and documents, with a known API key.</summary>
    private Dictionary<string, string> Settings() => new()
    {
        ["Search:IndexPath"] = Index,
        ["Search:CorpusPath"] = Path_("docs"),
        ["Search:ApiKeys:0"] = Key,
    };

    private static HttpClient Writer(SearchApplication app)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return client;
    }

    private static void AssertNoCrash(string error)
    {
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoIngestsAtOnce_OneSucceeds_TheOtherFailsCleanly_AndTheIndexEqualsACleanIngest()
    {
        var names = SearchProcess.CopyCorpus(Path_("docs"), 210);
        SharedModel.CopyInto(Index);

        var first = Search(KeywordOnly, "ingest", Path_("docs"), "--index", Index);
        var second = Search(KeywordOnly, "ingest", Path_("docs"), "--index", Index);
        var results = await Task.WhenAll(first, second);

        Assert.Equal([0, 1], results.Select(r => r.Exit).Order());
        var loser = results.Single(r => r.Exit == 1);
        Assert.Contains("index busy", loser.Err, StringComparison.Ordinal);
        Assert.Matches(@"PID \d+", loser.Err);
        AssertNoCrash(loser.Err);
        Assert.Equal(names, await ExportedIds(Index));

        // A third run finds everything in place.
        var (exit, output, _) = await Search(KeywordOnly, "ingest", Path_("docs"), "--index", Index);
        Assert.Equal(0, exit);
        Assert.Contains($"0 added, 0 updated, {names.Count} unchanged, 0 deleted", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceWritingOverrides_WhileACliIngestOfChangedFilesRuns_LosesNothing()
    {
        var names = SearchProcess.CopyCorpus(Path_("docs"), 210);
        using var app = new SearchApplication(settings: Settings());
        SharedModel.CopyInto(Index);
        using var client = Writer(app);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        foreach (var name in names.Take(50))
        {
            File.AppendAllText(Path.Combine(Path_("docs"), name), "\nA paragraph added later about spare parts.\n");
        }

        var ingest = Search(KeywordOnly, "ingest", Path_("docs"), "--index", Index, "--wait");
        var set = new List<string>();
        var statuses = new List<HttpStatusCode>();
        var i = 0;
        while (!ingest.IsCompleted && i < 100)
        {
            var id = names[(i * 7) % names.Count];
            var response = await client.PutAsync(new Uri($"/api/documents/{Uri.EscapeDataString(id)}/topics/quantum?value=true", UriKind.Relative), null);
            statuses.Add(response.StatusCode);
            set.Add(id);
            i++;
            await Task.Delay(300);
        }

        var (exit, output, error) = await ingest;
        Assert.True(exit == 0, error);
        Assert.Contains("50 updated", output, StringComparison.Ordinal);
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(names, await ExportedIds(Index));
        var overrides = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/overrides", UriKind.Relative));
        Assert.Equal(set.Distinct().Order(StringComparer.Ordinal), overrides.EnumerateArray().Select(o => o.GetProperty("documentId").GetString()!).Order(StringComparer.Ordinal));
        foreach (var id in set.Distinct())
        {
            var document = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/documents/{Uri.EscapeDataString(id)}", UriKind.Relative));
            Assert.Contains(document.GetProperty("topics").EnumerateArray(), t => t.GetProperty("topic").GetString() == "quantum" && t.GetProperty("overridden").GetBoolean());
        }
    }

    [Fact]
    public async Task ACliIngest_WhileTheServiceServes_IsAnsweredWithinSeconds_IncludingHybrid_WithoutARestart()
    {
        Directory.CreateDirectory(Path_("docs"));
        Fixtures.WriteCorpus(Path_("docs"));
        using var app = new SearchApplication(semantic: true, Settings());
        SharedModel.CopyInto(Index);
        using var client = app.CreateClient();
        await WaitAsync(client, "/healthz", h => h.GetProperty("semantic").GetProperty("ready").GetBoolean());

        File.WriteAllText(Path.Combine(Path_("docs"), "SG13-C0009.txt"), "Title: Zanzibarite sensors\n\nZanzibarite sensors measure the humidity of cable ducts and report it over a narrowband radio link.\n");
        var (exit, _, error) = await Search(null, "ingest", Path_("docs"), "--index", Index, "--wait");
        Assert.True(exit == 0, error);

        var keyword = await WaitAsync(client, "/api/search?q=zanzibarite&mode=bm25", r => r.GetProperty("total").GetInt32() == 1);
        Assert.Equal("SG13-C0009.txt", keyword.GetProperty("hits")[0].GetProperty("id").GetString());
        var hybrid = await WaitAsync(client, "/api/search?q=humidity%20in%20cable%20ducts", r => r.GetProperty("mode").GetString() == "hybrid"
            && r.GetProperty("hits").EnumerateArray().Any(h => h.GetProperty("id").GetString() == "SG13-C0009.txt" && h.GetProperty("scores").GetProperty("semantic").ValueKind == JsonValueKind.Number));
        Assert.Equal("SG13-C0009.txt", hybrid.GetProperty("hits")[0].GetProperty("id").GetString());
        var health = await client.GetFromJsonAsync<JsonElement>(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(4, health.GetProperty("documents").GetInt32());
    }

    [Fact]
    public async Task KilledWithSigkillAtRandomMoments_TheIndexAlwaysOpens_AndARerunCompletesIt()
    {
        var names = SearchProcess.CopyCorpus(Path_("docs"), 12);
        SharedModel.CopyInto(Index);
        var random = new Random(20261204);
        var deleted = names[^1];
        for (var run = 0; run < 3; run++)
        {
            using var process = SearchProcess.Start(Path.GetTempPath(), null, "ingest", Path_("docs"), "--index", Index, "--wait");
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(700, 6000)));
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL
            }

            await process.WaitForExitAsync();
            var ids = await ExportedIds(Index); // opens, whatever moment it died at
            Assert.All(ids, id => Assert.True(names.Contains(id) || id == deleted, id));
            if (run == 1)
            {
                File.WriteAllText(Path.Combine(Path_("docs"), "SG2-C0999.txt"), "Title: Added between two crashes\n\nThis paragraph about quokkalith was added between two crashes.\n");
                File.Delete(Path.Combine(Path_("docs"), names[^1]));
                names = [.. names.SkipLast(1).Append("SG2-C0999.txt").Order(StringComparer.Ordinal)];
            }
        }

        var (exit, _, error) = await Search(null, "ingest", Path_("docs"), "--index", Index);
        Assert.True(exit == 0, error);
        Assert.Equal(names, await ExportedIds(Index));
        var (queryExit, query, queryError) = await Search(null, "query", "quokkalith", "--index", Index, "--json");
        Assert.True(queryExit == 0, queryError);
        Assert.Equal("hybrid", JsonDocument.Parse(query).RootElement.GetProperty("mode").GetString()); // every document has its vectors
        var (_, keyword, _) = await Search(null, "query", "quokkalith", "--mode", "bm25", "--index", Index, "--json");
        Assert.Equal(["SG2-C0999.txt"], JsonDocument.Parse(keyword).RootElement.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()));
        Assert.False(global::Search.Core.Indexing.IndexLock.IsHeld(Index, global::Search.Core.Indexing.IndexStore.WriterLockName)); // the dead writers' locks died with them
    }

    [Fact]
    public async Task AReadOnlyIndex_IsReportedAsReadOnly_ByTheCliAndTheService_AndNothingIsSaved()
    {
        Directory.CreateDirectory(Path_("docs"));
        Fixtures.WriteCorpus(Path_("docs"));
        SharedModel.CopyInto(Index);
        Assert.Equal(0, (await Search(KeywordOnly, "ingest", Path_("docs"), "--index", Index)).Exit);
        File.AppendAllText(Path.Combine(Path_("docs"), "SG11-C0001.txt"), "\nChanged.\n");

        using (ReadOnlyFolder.Make(Index))
        {
            var ingest = await Search(KeywordOnly, "ingest", Path_("docs"), "--index", Index);
            Assert.Equal(1, ingest.Exit);
            Assert.Contains("read-only", ingest.Err, StringComparison.Ordinal);
            AssertNoCrash(ingest.Err);

            var set = await Search(KeywordOnly, "override", "SG11-C0001.txt", "quantum", "on", "--index", Index);
            Assert.Equal(1, set.Exit);
            Assert.Contains("read-only", set.Err, StringComparison.Ordinal);
            AssertNoCrash(set.Err);

            using var app = new SearchApplication(settings: Settings());
            using var client = Writer(app);
            var put = await client.PutAsync(new Uri("/api/documents/SG11-C0001.txt/topics/quantum?value=true", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, put.StatusCode);
            Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
            Assert.Contains("read-only", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>(new Uri("/api/overrides", UriKind.Relative))).GetArrayLength());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/search?q=counterfeit", UriKind.Relative))).StatusCode);
        }

        var (_, list, _) = await Search(KeywordOnly, "overrides", "--json", "--index", Index);
        Assert.Equal("[]", list.Trim());
    }

    [Fact]
    public async Task IngestingAnEmptyFolder_IsRefused_AndTheNextQueryDoesNotFillTheIndexFromAnotherFolder()
    {
        Directory.CreateDirectory(Path_("docs"));
        Fixtures.WriteCorpus(Path_("docs"));
        Directory.CreateDirectory(Path_("empty"));
        SharedModel.CopyInto(Index);
        Assert.Equal(0, (await Search(KeywordOnly, "ingest", Path_("docs"), "--index", Index)).Exit);

        var (exit, _, error) = await Search(KeywordOnly, "ingest", Path_("empty"), "--index", Index);
        Assert.Equal(1, exit);
        Assert.Contains("nothing was changed", error, StringComparison.Ordinal);
        Assert.Contains("--allow-deletes", error, StringComparison.Ordinal);
        Assert.Equal(3, (await ExportedIds(Index)).Count);

        var (allowed, _, allowedError) = await Search(KeywordOnly, "ingest", Path_("empty"), "--index", Index, "--allow-deletes");
        Assert.True(allowed == 0, allowedError);
        var environment = new Dictionary<string, string>(KeywordOnly) { ["Search__CorpusPath"] = Path_("docs") };
        var (queryExit, query, _) = await Search(environment, "query", "counterfeit", "--index", Index, "--json");
        Assert.Equal(0, queryExit);
        Assert.Equal(0, JsonDocument.Parse(query).RootElement.GetProperty("total").GetInt32()); // emptied on purpose: not rebuilt from the configured corpus
    }

    [Fact]
    public async Task TheExecutable_StartedFromTheRootFolder_TagsTopics_AndServesTheUi()
    {
        Directory.CreateDirectory(Path_("docs"));
        Fixtures.WriteCorpus(Path_("docs"));
        var (exit, _, error) = await SearchProcess.RunAsync("/", KeywordOnly, Timeout, "ingest", Path_("docs"), "--index", Index);
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("no taxonomy", error, StringComparison.Ordinal);
        var (_, shown, _) = await SearchProcess.RunAsync("/", KeywordOnly, Timeout, "show", "SG11-C0001.txt", "--json", "--index", Index);
        Assert.Contains("counterfeit", JsonDocument.Parse(shown).RootElement.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("topic").GetString()));

        var port = SearchProcess.FreePort();
        using var service = SearchProcess.Start("/", KeywordOnly, "serve", "--urls", $"http://127.0.0.1:{port}", "--index", Index);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var page = await WaitAsync(async () => await http.GetStringAsync(new Uri("/", UriKind.Relative)));
            Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
            var facets = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/facets", UriKind.Relative));
            Assert.Contains("counterfeit", facets.GetProperty("topic").EnumerateArray().Select(v => v.GetProperty("value").GetString()));
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
    }

    private static async Task<JsonElement> WaitAsync(HttpClient client, string url, Func<JsonElement, bool> done)
    {
        JsonElement last = default;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            last = await client.GetFromJsonAsync<JsonElement>(new Uri(url, UriKind.Relative));
            if (done(last))
            {
                return last;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{url} did not get there in 90 s: {last}");
        return last;
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T>> attempt)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (HttpRequestException) when (i < 300)
            {
                await Task.Delay(200);
            }
        }
    }
}
