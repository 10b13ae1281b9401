using System.Globalization;
using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Querying;

/// <summary>
/// The start-up warm-up runs real searches of every keyword kind made of the index's own words (most of
/// them find documents), in rounds, and changes nothing in the index.
/// </summary>
public sealed class SearchWarmUpTests : IDisposable
{
    private static readonly string[] Groups = ["11", "13", "17", "20"];
    private static readonly string[] Words = ["network", "security", "quantum", "device", "counterfeit", "identity", "sensor", "gateway", "protocol", "keys",
        "management", "trust", "cloud", "edge", "privacy", "signal", "routing", "mobile", "satellite", "optical"];

    private readonly TestIndex _index = new();

    public void Dispose() => _index.Dispose();

    private void Fill(int count)
    {
        var random = new Random(4122026);
        for (var i = 0; i < count; i++)
        {
            var group = Groups[i % Groups.Length];
            var number = string.Create(CultureInfo.InvariantCulture, $"SG{group}-C{i:0000}");
            var body = string.Join(' ', Enumerable.Range(0, random.Next(20, 80)).Select(_ => Words[random.Next(Words.Length)]));
            _index.Add(number + ".txt", TestIndex.Txt(number, "2022-2024", $"{1 + (i % 5)}/{group}", "10-19 May 2023", "Study of " + Words[i % Words.Length], body));
        }

        Assert.Equal(count, _index.Ingest().Added);
    }

    [Fact]
    public void RunsEveryKeywordKind_InRounds_WithQueriesThatFindDocuments_AndWritesNothing()
    {
        Fill(60);
        long generation;
        using (var lease = _index.Store.Lease())
        {
            generation = ((Lucene.Net.Index.DirectoryReader)lease.Searcher.IndexReader).Version;
        }

        var report = SearchWarmUp.Run(_index.Search, _index.Store, TimeSpan.FromSeconds(5), hybrid: false, CancellationToken.None);

        Assert.Null(report.Skipped);
        Assert.True(report.Rounds >= SearchWarmUp.MinRounds, $"{report.Rounds} rounds");
        Assert.Equal(report.Searches, report.Kinds.Values.Sum());
        Assert.Equal(["by date", "facets", "filtered", "page 2", "phrase", "plain"], report.Kinds.Keys.Order(StringComparer.Ordinal));
        Assert.All(report.Kinds.Values, n => Assert.True(n >= SearchWarmUp.MinRounds * SearchWarmUp.QueriesPerRound / 7, $"{n} searches of a kind"));
        Assert.True(report.Matched * 2 >= report.Searches, $"{report.Matched} of {report.Searches} searches found documents");
        Assert.True(report.MethodsCompiled >= report.MethodsCompiledLastRound);
        using var after = _index.Store.Lease();
        Assert.Equal(generation, ((Lucene.Net.Index.DirectoryReader)after.Searcher.IndexReader).Version);
        Assert.Equal(60, after.Searcher.IndexReader.NumDocs);
    }

    [Fact]
    public void HybridSearches_AreRunOnlyWhenAsked()
    {
        Fill(12);
        var report = SearchWarmUp.Run(_index.Search, _index.Store, TimeSpan.FromSeconds(3), hybrid: true, CancellationToken.None);
        Assert.True(report.Kinds.GetValueOrDefault("hybrid") > 0, string.Join(", ", report.Kinds));
    }

    [Fact]
    public void AnEmptyIndex_IsSkipped_WithItsReason()
    {
        _index.Ingest();
        var report = SearchWarmUp.Run(_index.Search, _index.Store, TimeSpan.FromSeconds(5), hybrid: false, CancellationToken.None);
        Assert.Equal(0, report.Searches);
        Assert.Contains("too few words", report.Skipped, StringComparison.Ordinal);
    }

    [Fact]
    public void Stops_WhenCancelled()
    {
        Fill(12);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var report = SearchWarmUp.Run(_index.Search, _index.Store, TimeSpan.FromSeconds(30), hybrid: false, cancelled.Token);
        Assert.Equal(0, report.Searches);
        Assert.True(report.Seconds < 30);
    }
}
