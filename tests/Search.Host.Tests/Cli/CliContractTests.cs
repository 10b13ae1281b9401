using System.Text.Json;
using Search.Core.Evaluation;
using Search.Core.Semantic;
using Search.Host.Cli;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Cli;

/// <summary>What the README promises of the CLI: exit codes, usage errors, facet values, export formats, JSON names.</summary>
public sealed class CliContractTests : IDisposable
{
    private readonly CliWorkspace _workspace = new("search-cli-contract-");

    private string Corpus => _workspace.Corpus;

    private string Index => _workspace.Index;

    public void Dispose() => _workspace.Dispose();

    private static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => CliWorkspace.RunAsync(args);

    [Theory]
    [InlineData("query", "x", "--bogus")]
    [InlineData("export", "--format", "xml")]
    [InlineData("overlaps", "--top", "many")]
    [InlineData("no-such-command")]
    public async Task ABadOption_ExitsTwo_WithOneLineOnStderrPointingToHelp(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("--help", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_StillPrintsTheHelp_AndExitsZero()
    {
        var (exit, output, _) = await RunAsync("query", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--filter", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFacetValueNoDocumentHas_IsAUsageError_NamingIt()
    {
        await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");

        var (exit, output, error) = await RunAsync("query", "counterfeit", "--index", Index, "--filter", "sg=99", "--mode", "bm25");

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("no document has sg '99'", error, StringComparison.Ordinal);
        Assert.Contains("SG11", error, StringComparison.Ordinal);

        var (known, found, _) = await RunAsync("query", "counterfeit", "--index", Index, "--filter", "sg=11", "--filter", "sg=17", "--mode", "bm25");
        Assert.Equal(0, known);
        Assert.Contains("2 documents match", found, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--format", "json")]
    [InlineData("--json")]
    public async Task ExportJson_PrintsOneArrayOfDocuments(params string[] format)
    {
        await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");

        var (exit, output, error) = await RunAsync(["export", "--index", Index, .. format]);

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Array, json.RootElement.ValueKind);
        Assert.Equal(3, json.RootElement.GetArrayLength());
        Assert.Equal("SG11-C0001.txt", json.RootElement[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task ExportCsv_HasTheDeadlineAndForActionColumns()
    {
        await RunAsync("ingest", Corpus, "--index", Index, "--skip-semantic");

        var (exit, output, _) = await RunAsync("export", "--index", Index, "--format", "csv");

        Assert.Equal(0, exit);
        var header = output.Split('\n')[0].Trim().Split(',');
        foreach (var column in new[] { "kind", "number", "group", "date", "deadline", "forAction" })
        {
            Assert.Contains(column, header);
        }
    }

    [Fact]
    public async Task ExportJsonAndCsvTogether_IsAUsageError()
    {
        var (exit, _, error) = await RunAsync("export", "--index", Index, "--json", "--format", "csv");
        Assert.Equal(2, exit);
        Assert.Contains("disagree", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EvalJson_WritesTheFusionMethodAsAName()
    {
        var json = JsonSerializer.Serialize(new FusionChoice(FusionMethod.ZScores, 0.5, 0.74), CliOutput.Json);

        using var doc = JsonDocument.Parse(json);
        Assert.Equal("ZScores", doc.RootElement.GetProperty("method").GetString());
    }

    [Theory]
    [InlineData("counterfeit devices", "search-counterfeit-devices-2026-12-04.csv")]
    [InlineData("Q15/11 AND \"key management\"", "search-q15-11-and-key-management-2026-12-04.csv")]
    [InlineData("", "search-all-2026-12-04.csv")]
    [InlineData("***", "search-all-2026-12-04.csv")]
    public void ResultFileNames_SayTheQueryAndTheDate(string query, string expected) =>
        Assert.Equal(expected, Csv.FileName(query, new DateOnly(2026, 12, 4), "csv"));
}
