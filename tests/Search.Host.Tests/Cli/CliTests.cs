using System.Text.Json;
using Search.Host.Cli;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly CliWorkspace _workspace = new("search-cli-test-");

    private string Corpus => _workspace.Corpus;

    private string Index => _workspace.Index;

    private string Root => _workspace.Root;

    public void Dispose() => _workspace.Dispose();

    private static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => CliWorkspace.RunAsync(args);

    [Fact]
    public async Task Ingest_ReportsCountsAndEveryBadFile()
    {
        var (exit, output, _) = await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");
        Assert.Equal(0, exit);
        Assert.Contains("3 added, 0 updated, 0 unchanged, 0 deleted, 1 failed", output, StringComparison.Ordinal);
        Assert.Contains("failed  broken.docx: corrupt zip", output, StringComparison.Ordinal);

        var (_, again, _) = await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");
        Assert.Contains("0 added, 0 updated, 3 unchanged", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingInputFiles_GiveAnErrorNamingThem_NotACrash()
    {
        var missing = Path.Combine(Root, "no-such-queries.txt");
        var (exit, _, error) = await RunAsync("bench", Corpus, "--index", Index, "--queries", missing, "--runs", "1");
        Assert.Equal(1, exit);
        Assert.Contains("no-such-queries.txt", error, StringComparison.Ordinal);

        var (evalExit, _, evalError) = await RunAsync("eval", "--dataset", Path.Combine(Root, "no-such-dataset"), "--index", Index);
        Assert.NotEqual(0, evalExit);
        Assert.Contains("no-such-dataset", evalError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryJson_HasTheDocumentedStableFields()
    {
        await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");
        var (exit, output, _) = await RunAsync("query", "counterfeit", "--index", Index, "--filter", "sg=11", "--top", "5", "--json", "--mode", "bm25");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("total").GetInt32());
        var hit = root.GetProperty("hits")[0];
        foreach (var field in new[] { "id", "path", "title", "kind", "score", "snippet", "metadata", "topics" })
        {
            Assert.True(hit.TryGetProperty(field, out _), $"missing '{field}'");
        }

        Assert.Equal("SG11-C0001.txt", hit.GetProperty("id").GetString());
        Assert.True(root.GetProperty("facets").TryGetProperty("sg", out _));
    }

    [Fact]
    public async Task Query_PlainOutput_ShowsResultsAndFacets()
    {
        await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");
        var (exit, output, _) = await RunAsync("query", "quantum", "--index", Index, "--mode", "bm25");
        Assert.Equal(0, exit);
        Assert.Contains("1 documents match (bm25", output, StringComparison.Ordinal);
        Assert.Contains("Quantum key distribution security", output, StringComparison.Ordinal);
        Assert.Contains("«Quantum»", output, StringComparison.Ordinal);
        Assert.Contains("question  Q15/17 (1)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_InvalidSyntax_ExitsWith2AndNamesThePosition()
    {
        await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");
        var (exit, output, error) = await RunAsync("query", "quantum AND", "--index", Index, "--mode", "bm25");
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("position 12", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_BadFilter_ExitsWith2()
    {
        var (exit, _, error) = await RunAsync("query", "quantum", "--index", Index, "--filter", "colour=red", "--mode", "bm25");
        Assert.Equal(2, exit);
        Assert.Contains("unknown facet 'colour'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_AcceptsTheDocumentNumber()
    {
        await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");
        var (exit, output, _) = await RunAsync("show", "SG17-C2", "--index", Index);
        Assert.Equal(0, exit);
        Assert.Contains("Number          SG17-C2", output, StringComparison.Ordinal);
        Assert.Contains("Questions       Q15/17", output, StringComparison.Ordinal);

        var (missing, _, error) = await RunAsync("show", "SG99-C1", "--index", Index);
        Assert.Equal(1, missing);
        Assert.Contains("no document 'SG99-C1'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_WritesEveryDocumentAsJsonLinesOrCsv()
    {
        await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");
        var (_, jsonl, _) = await RunAsync("export", "--index", Index);
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.True(JsonDocument.Parse(l).RootElement.TryGetProperty("metadata", out _)));

        var (_, csv, _) = await RunAsync("export", "--format", "csv", "--index", Index);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, rows.Length);
        Assert.StartsWith("id,path,title,kind,number", rows[0], StringComparison.Ordinal);
        Assert.Contains(rows, r => r.StartsWith("SG11-C0001.txt,SG11-C0001.txt,Counterfeit devices and IMEI checks,contribution,SG11-C1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_MissingFolder_IsRefused_AndNothingChanges()
    {
        var (exit, _, error) = await RunAsync("ingest", Path.Combine(Root, "nope"), "--index", Index);
        Assert.Equal(1, exit);
        Assert.Contains("folder not found", error, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Override_SetsATopicByHand_AndOverridesListsIt()
    {
        await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");
        var (exit, output, _) = await RunAsync("override", "SG11-C1", "quantum", "on", "--index", Index);
        Assert.Equal(0, exit);
        Assert.Contains("SG11-C0001.txt: topics now counterfeit, quantum (set by hand)", output, StringComparison.Ordinal);

        var (_, list, _) = await RunAsync("overrides", "--index", Index);
        Assert.Contains("SG11-C0001.txt\tquantum\ton", list, StringComparison.Ordinal);

        var (_, show, _) = await RunAsync("show", "SG11-C0001.txt", "--index", Index);
        Assert.Contains("quantum (set by hand)", show, StringComparison.Ordinal);
        Assert.Contains("counterfeit (confidence", show, StringComparison.Ordinal);

        var (bad, _, error) = await RunAsync("override", "SG11-C1", "astrology", "on", "--index", Index);
        Assert.Equal(2, bad);
        Assert.Contains("unknown topic 'astrology'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HybridQuery_EmbedsWhatIsMissingFirst_AndShowsComponentScores()
    {
        await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");
        var (exit, output, error) = await RunAsync("query", "fake phones", "--index", Index, "--top", "1");
        Assert.Equal(0, exit);
        Assert.Contains("Semantic index: 3 of 3 documents", error, StringComparison.Ordinal);
        Assert.Contains("(hybrid,", output, StringComparison.Ordinal);
        Assert.Contains("SG11-C0001.txt", output, StringComparison.Ordinal);
        Assert.Contains("semantic 0.", output, StringComparison.Ordinal);

        var (_, related, _) = await RunAsync("related", "SG11-C0001.txt", "--index", Index);
        Assert.Contains("Documents related to SG11-C0001.txt (SG11):", related, StringComparison.Ordinal);
        Assert.Contains("<- another group", related, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/.{1,100000}/", "repetition count 100000")]
    [InlineData("/.*a.{20}/", "states")]
    [InlineData("(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))", "parentheses")]
    public async Task Query_OverALimit_ExitsWithUsageErrorNamingIt_BeforeAnyWork(string query, string message)
    {
        var (exit, _, error) = await RunAsync("query", query, "--index", Index, "--mode", "bm25");
        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("limit", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Index) && Directory.EnumerateFiles(Index, "segments*").Any(), "no index was built for a refused query");
    }
}
