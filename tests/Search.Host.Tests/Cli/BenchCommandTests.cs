using System.Globalization;
using System.Text.Json;
using Search.Host.Cli;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Cli;

/// <summary><c>search bench</c> on a folder in the scale kit's format (<c>../shared/bench/make_scale.py --txt</c>). Figures are never asserted, only their shape.</summary>
public sealed class BenchCommandTests : IDisposable
{
    private static readonly (string Sg, string Questions, string Title, string Body)[] Documents =
    [
        ("17", "15/17", "Quantum key distribution", "Quantum key distribution networks relay keys between trusted nodes; key management protects them."),
        ("11", "15/11", "Counterfeit devices", "Counterfeit mobile devices are detected by checking the IMEI against a list of devices reported stolen."),
        ("20", "6/20", "Smart city sensors", "Sensors of a smart city collect personal data; the platform protects it and signs firmware updates."),
        ("TSAG", "N/A", "Working methods", "The advisory group reviews the working methods of study groups and the key management of meetings."),
        ("13", "1/13, 2/13", "Future networks", "Future networks use machine learning to manage quantum key distribution and counterfeit detection."),
    ];

    private static readonly string[] Claims =
    [
        "Quantum key distribution is THE key to key management.",
        "Counterfeit devices are detected by their IMEI.",
        "A smart city protects the personal data of its sensors.",
        "Machine learning manages future networks.",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("search-bench-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task BenchOnAKitFolder_PrintsOneJsonLineWithThePeersKeys()
    {
        WriteKitFolder(_root);

        var (exit, output, error) = await CliWorkspace.RunAsync("bench", _root, "--json", "--max-queries", "3", "--label", "test");

        Assert.True(exit == 0, error);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("search", root.GetProperty("peer").GetString());
        Assert.Equal("test", root.GetProperty("label").GetString());
        Assert.Equal(Documents.Length, root.GetProperty("docs").GetInt32());
        Assert.Equal(0, root.GetProperty("failed").GetInt32());
        Assert.Equal(3, root.GetProperty("queries").GetInt32());
        Assert.True(root.GetProperty("index_mb").GetDouble() > 0);
        Assert.True(root.GetProperty("docs_per_s").GetDouble() > 0);
        Assert.True(root.GetProperty("build_s").GetDouble() >= root.GetProperty("lexical_s").GetDouble());
        Assert.True(root.GetProperty("ru_maxrss_mb").GetDouble() > 0);
        Assert.True(root.GetProperty("median_matched").GetDouble() > 0);
        var gc = root.GetProperty("gc");
        Assert.True(gc.GetProperty("allocated_mb").GetDouble() > 0); // twelve searches allocate
        Assert.True(gc.GetProperty("pause_ms").GetDouble() >= 0 && gc.GetProperty("gen0").GetInt32() >= 0);
        foreach (var mode in new[] { "plain", "filtered", "facet", "plain_no_snippets" })
        {
            var s = root.GetProperty(mode);
            Assert.Equal(3, s.GetProperty("n").GetInt32());
            var (p50, p90, p99) = (s.GetProperty("p50").GetDouble(), s.GetProperty("p90").GetDouble(), s.GetProperty("p99").GetDouble());
            Assert.True(p50 > 0 && p50 <= p90 && p90 <= p99, $"{mode}: {p50} {p90} {p99}");
        }

        // The temporary index is deleted unless asked to keep it.
        Assert.Equal(JsonValueKind.Null, root.GetProperty("index").ValueKind);
    }

    [Fact]
    public async Task BenchWithAnIndexFolder_KeepsTheIndexForServing_AndRefusesToReuseIt()
    {
        WriteKitFolder(_root);
        var index = Path.Combine(_root, "index");

        var (exit, output, error) = await CliWorkspace.RunAsync("bench", _root, "--index", index, "--queries", Path.Combine(_root, "queries.txt"));

        Assert.True(exit == 0, error);
        Assert.Contains("plain (snippets)", output, StringComparison.Ordinal);
        Assert.Contains("with facet counts", output, StringComparison.Ordinal);
        Assert.Contains("collections during the measured searches", output, StringComparison.Ordinal);
        var (_, query, _) = await CliWorkspace.RunAsync("query", "counterfeit", "--index", index, "--mode", "bm25", "--filter", "sg=SG11", "--json");
        using var json = JsonDocument.Parse(query);
        Assert.Equal(1, json.RootElement.GetProperty("total").GetInt32());

        var (again, _, refused) = await CliWorkspace.RunAsync("bench", _root, "--index", index, "--json");
        Assert.Equal(2, again);
        Assert.Contains("already holds an index", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchHybrid_OnABenchIndex_GivesItsPassagesVectors_ThenOnlyLoadsThem()
    {
        WriteKitFolder(_root);
        var index = Path.Combine(_root, "index");
        var (built, _, buildError) = await CliWorkspace.RunAsync("bench", _root, "--index", index, "--json", "--max-queries", "2");
        Assert.True(built == 0, buildError);

        var (exit, output, error) = await CliWorkspace.RunAsync("bench-hybrid", "--index", index, "--queries", Path.Combine(_root, "queries.jsonl"), "--pool", "3", "--json");

        Assert.True(exit == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            var root = json.RootElement;
            Assert.Equal(Documents.Length, root.GetProperty("documents").GetInt32());
            Assert.True(root.GetProperty("passages").GetInt32() >= Documents.Length);
            Assert.True(root.GetProperty("embeddedSeconds").GetDouble() > 0);
            Assert.Equal(Claims.Length, root.GetProperty("queries").GetInt32());
            Assert.True(root.GetProperty("medianMatched").GetDouble() > 0);
            Assert.True(root.GetProperty("firstQueryMilliseconds").GetDouble() > 0);
            Assert.Equal(0, root.GetProperty("overLimit").GetInt32());
            foreach (var mode in new[] { "plain", "filtered", "facets", "embedding", "vectorSearch" })
            {
                var s = root.GetProperty(mode);
                Assert.Equal(Claims.Length, s.GetProperty("n").GetInt32());
                Assert.True(s.GetProperty("p50").GetDouble() > 0 && s.GetProperty("p50").GetDouble() <= s.GetProperty("p99").GetDouble(), mode);
            }
        }

        // The second run finds every passage embedded: it measures the serving process.
        var (again, second, againError) = await CliWorkspace.RunAsync("bench-hybrid", "--index", index, "--queries", Path.Combine(_root, "queries.jsonl"));
        Assert.True(again == 0, againError);
        Assert.Contains("already embedded (loaded)", second, StringComparison.Ordinal);
        Assert.Contains("hybrid with facet counts", second, StringComparison.Ordinal);
        Assert.Contains("collections during the measured searches", second, StringComparison.Ordinal);

        var (missing, _, refused) = await CliWorkspace.RunAsync("bench-hybrid", "--queries", Path.Combine(_root, "queries.jsonl"));
        Assert.Equal(2, missing);
        Assert.Contains("--index", refused, StringComparison.Ordinal);

        // Real vectors: the lookalikes are another model's, so every passage is embedded by the model itself, once.
        var (real, realOutput, realError) = await CliWorkspace.RunAsync("bench-hybrid", "--index", index, "--queries", Path.Combine(_root, "queries.jsonl"), "--real");
        Assert.True(real == 0, realError);
        Assert.Contains("embedded by the model in", realOutput, StringComparison.Ordinal);
        var (realAgain, realAgainOutput, realAgainError) = await CliWorkspace.RunAsync("bench-hybrid", "--index", index, "--queries", Path.Combine(_root, "queries.jsonl"), "--real");
        Assert.True(realAgain == 0, realAgainError);
        Assert.Contains("already embedded (loaded)", realAgainOutput, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[]> TermCases => new()
    {
        { "Quantum key distribution is THE key to key management.", ["quantum", "key", "distribution", "management"] },
        { "The effect of IL-6 on the Effect, and NOT the cause: Über café_2 is it?", ["effect", "il", "6", "cause", "über", "café_2"] },
        { "a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with", [] },
        { "0-dimensional biomaterials show inductive properties.", ["0", "dimensional", "biomaterials", "show", "inductive", "properties"] },
    };

    [Theory]
    [MemberData(nameof(TermCases))]
    public void QueryTerms_AreTheKitsLowerCasedWordsWithoutStopWords_Deduplicated(string claim, string[] expected) =>
        Assert.Equal(expected, BenchQueries.QueryTerms(claim));

    [Fact]
    public void StopWords_AreLucenesClassicEnglishSet() => Assert.Equal(33, BenchQueries.StopWords.Count);

    // Values 1..n: the kit's pct(range(1, n + 1), p), computed with Python (round halves to even).
    [Theory]
    [InlineData(70, 90, 64)]
    [InlineData(100, 90, 90)]
    [InlineData(100, 99, 100)]
    [InlineData(10, 90, 10)]
    [InlineData(30, 90, 28)]
    [InlineData(50, 90, 46)]
    [InlineData(150, 90, 136)]
    public void Percentile_IsTheKitsNearestRank(int n, double p, double expected) =>
        Assert.Equal(expected, BenchStatistics.Percentile(Enumerable.Range(1, n).Select(i => (double)i).Reverse().ToList(), p));

    [Fact]
    public void Median_AveragesTheTwoMiddleValues_AsStatisticsMedian()
    {
        Assert.Equal(2.5, BenchStatistics.Median([4, 1, 3, 2]));
        Assert.Equal(3, BenchStatistics.Median([5, 1, 3]));
    }

    /// <summary>What <c>make_scale.py N DIR --txt</c> writes, for a handful of documents.</summary>
    private static void WriteKitFolder(string folder)
    {
        var txt = Directory.CreateDirectory(Path.Combine(folder, "txt", "0000")).FullName;
        using (var corpus = new StreamWriter(Path.Combine(folder, "corpus.jsonl")))
        {
            for (var i = 0; i < Documents.Length; i++)
            {
                var (sg, questions, title, body) = Documents[i];
                var id = string.Create(CultureInfo.InvariantCulture, $"d{i:0000000}");
                var group = sg == "TSAG" ? sg : "SG" + sg;
                corpus.WriteLine(JsonSerializer.Serialize(new { _id = id, title, text = body, metadata = new { sg = group } }));
                File.WriteAllText(Path.Combine(txt, id + ".txt"),
                    $"Study Group: {sg}\nQuestion(s): {questions}\nTitle: {title}\nSource: Editor(s)\nYear: 2024\nKind: contribution\nTopics: \n\n{body}\n");
            }
        }

        File.WriteAllLines(Path.Combine(folder, "queries.jsonl"), Claims.Select((c, i) => JsonSerializer.Serialize(new { _id = (i + 1).ToString(CultureInfo.InvariantCulture), text = c, split = "test" })));
        File.WriteAllLines(Path.Combine(folder, "queries.txt"), ["counterfeit", "\"key management\"", "sg:17 quantum"]);
    }
}
