using Search.Core.Indexing;
using Search.Core.Querying;
using Search.Core.Semantic;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Indexing;

/// <summary>One writer across processes (each IndexStore here is what a process has), guards, and readers that follow every commit.</summary>
public sealed class IndexWritersTests : IDisposable
{
    private readonly TestIndex _index = new(o => o.CommitEvery = 1);

    public IndexWritersTests()
    {
        for (var i = 1; i <= 6; i++)
        {
            _index.Add($"SG11-C000{i}.txt", TestIndex.Txt($"SG11-C000{i}", "2022-2024", "15/11", "10-19 May 2023", $"Document {i}", $"This document number {i} is about counterfeit handsets and word{i}."));
        }
    }

    public void Dispose() => _index.Dispose();

    [Fact]
    public void ASecondWriter_IsRefusedAtOnce_NamingTheHolder_AndGetsInOnceItIsFree()
    {
        using var other = new IndexStore(_index.Options);
        using (var session = _index.Store.OpenSession("test"))
        {
            var busy = Assert.Throws<IndexBusyException>(() => other.OpenSession("second", TimeSpan.Zero));
            Assert.Contains($"PID {Environment.ProcessId}", busy.Message, StringComparison.Ordinal);
            Assert.Contains("index busy", busy.Message, StringComparison.Ordinal);
        }

        using var after = other.OpenSession("second", TimeSpan.Zero);
        Assert.NotNull(after.Writer);
    }

    [Fact]
    public async Task AWaitingWriter_GoesInWhenTheFirstHasFinished_AndNeitherLosesTheOthersWork()
    {
        _index.Ingest();
        using var other = new IndexStore(_index.Options);
        var otherTopics = new Search.Core.Classification.TopicService(other, _index.Classifier);

        // A slow re-ingest of changed files holds the writer; an override from "another process" waits for it.
        foreach (var file in Directory.GetFiles(_index.Documents))
        {
            File.AppendAllText(file, "\nA changed paragraph about stolen devices.\n");
        }

        var started = new TaskCompletionSource();
        _index.Pipeline.FileProcessed += _ =>
        {
            started.TrySetResult();
            Thread.Sleep(50);
        };
        var ingest = Task.Run(_index.IngestOnly);
        await started.Task;
        var overrideTask = Task.Run(() => otherTopics.SetOverride("SG11-C0003.txt", "counterfeit", true, TimeSpan.FromSeconds(60)));

        var report = await ingest;
        await overrideTask;

        Assert.Equal(6, report.Updated);
        Assert.Equal(6, _index.Search.Count());
        Assert.Equal(["counterfeit"], _index.Search.Get("SG11-C0003.txt")!.Topics.Select(t => t.Topic));
        Assert.Equal(6, _index.Ids("stolen").Count);
    }

    [Fact]
    public void AnotherProcesssCommits_AreSeenByReaders_WithTheirVectors()
    {
        _index.Ingest();
        using var reader = new IndexStore(_index.Options);
        Assert.Equal(6, new SearchService(reader, _index.Semantic, _index.Options).Count());

        _index.Add("SG11-C0007.txt", TestIndex.Txt("SG11-C0007", "2022-2024", "15/11", "10-19 May 2023", "Seventh", "A seventh document on zanzibarite."));
        _index.IngestOnly();
        _index.Store.Write("test", s =>
        {
            s.Commit(new Dictionary<string, string> { ["marker"] = "only user data changed" });
            return 0;
        }, CancellationToken.None);

        Thread.Sleep(IndexStore.RefreshInterval * 2);
        using var lease = reader.Lease();
        Assert.Equal(7, lease.Searcher.IndexReader.NumDocs);
        Assert.Equal("only user data changed", lease.CommitData["marker"]);
    }

    [Fact]
    public async Task IngestingAnEmptyFolder_IsRefused_AndNothingIsDeleted()
    {
        _index.Ingest();
        foreach (var file in Directory.GetFiles(_index.Documents))
        {
            File.Delete(file);
        }

        var refused = await Assert.ThrowsAsync<IngestionRefusedException>(() => _index.Pipeline.IngestAsync(_index.Documents, null, CancellationToken.None));
        Assert.Contains("nothing was changed", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-deletes", refused.Message, StringComparison.Ordinal);
        Assert.Equal(6, _index.Search.Count());

        var allowed = await _index.Pipeline.IngestAsync(_index.Documents, new IngestionRun(AllowDeletes: true), null, CancellationToken.None);
        Assert.Equal(6, allowed.Deleted);
        Assert.Equal(0, _index.Search.Count());
    }

    [Fact]
    public async Task AnIngestThatWouldDeleteMoreThanHalf_IsRefused_ButSmallerDeletesGoThrough()
    {
        _index.Ingest();
        File.Delete(Path.Combine(_index.Documents, "SG11-C0001.txt"));
        File.Delete(Path.Combine(_index.Documents, "SG11-C0002.txt"));
        File.Delete(Path.Combine(_index.Documents, "SG11-C0003.txt"));
        Assert.Equal(3, (await _index.Pipeline.IngestAsync(_index.Documents, null, CancellationToken.None)).Deleted); // half: allowed

        File.Delete(Path.Combine(_index.Documents, "SG11-C0004.txt"));
        File.Delete(Path.Combine(_index.Documents, "SG11-C0005.txt"));
        var refused = await Assert.ThrowsAsync<IngestionRefusedException>(() => _index.Pipeline.IngestAsync(_index.Documents, null, CancellationToken.None));
        Assert.Contains("would delete 2 of the 3", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, _index.Search.Count());
    }

    [Fact]
    public async Task AReadOnlyIndex_IsReportedAsReadOnly_AndNothingChanges()
    {
        _index.Ingest();
        File.AppendAllText(Path.Combine(_index.Documents, "SG11-C0001.txt"), "\nNew text about quokkas.\n");
        using (ReadOnlyFolder.Make(_index.Store.IndexPath))
        {
            using var readOnly = new IndexStore(_index.Options);
            Assert.Throws<IndexReadOnlyException>(() => readOnly.OpenSession("test", TimeSpan.Zero));
            var pipeline = new IngestionPipeline([new Search.Core.Ingestion.TextFileReader(_index.Options)], readOnly, _index.Options, Microsoft.Extensions.Logging.Abstractions.NullLogger<IngestionPipeline>.Instance);
            await Assert.ThrowsAsync<IndexReadOnlyException>(() => pipeline.IngestAsync(_index.Documents, null, CancellationToken.None));
            Assert.Equal(6, new SearchService(readOnly, _index.Semantic, _index.Options).Count()); // still readable
        }

        Assert.Empty(_index.Ids("quokkas"));
    }

    [Fact]
    public void EverythingTheIndexNeeds_LivesInItsOwnFolder()
    {
        using var topics = new TopicTestIndex(semantic: true);
        topics.Index.Ingest();
        topics.Index.Topics.SetOverride("SG17-C0001.txt", "spam", true);

        var index = topics.Index.Store.IndexPath;
        var beside = Directory.GetFileSystemEntries(Path.GetDirectoryName(index)!).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["docs", "index"], beside);
        Assert.True(File.Exists(Path.Combine(index, "models", "topics.zip")));
        Assert.True(File.Exists(Path.Combine(index, "models", "topics.embeddings.zip")));
        Assert.True(File.Exists(Path.Combine(index, "models", "embeddings.cache")));
        Assert.Single(Directory.GetFiles(index, "vectors-*.svec"));
    }
}
