using System.Globalization;
using Lucene.Net.Index;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Indexing;

/// <summary>A bulk load ends in one segment; a small run after it leaves merging to Lucene's policy.</summary>
public sealed class BulkMergeTests
{
    private static int Segments(TestIndex index)
    {
        using var lease = index.Store.Lease();
        return lease.Searcher.IndexReader.Leaves.Count;
    }

    private static void AddDocuments(TestIndex index, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            var number = string.Create(CultureInfo.InvariantCulture, $"SG17-C{i:0000}");
            index.Add(number + ".txt", TestIndex.Txt(number, "2022-2024", "6/17", "8-17 April 2025", $"Document {i}", $"Text of document {i} on security."));
        }
    }

    [Fact]
    public void ABulkLoad_EndsInOneSegment_ASmallRunDoesNotMerge()
    {
        using var index = new TestIndex(o =>
        {
            o.MergeAfterDocuments = 40;
            o.CommitEvery = 10; // a commit every 10 documents: several segments on the way
        });
        AddDocuments(index, 0, 45);
        var report = index.IngestOnly();
        Assert.Equal(45, report.Added);
        Assert.Equal(1, Segments(index));
        Assert.True(report.Profile!["merge after a bulk load"] > TimeSpan.Zero);

        AddDocuments(index, 45, 3);
        Assert.Equal(3, index.IngestOnly().Added);
        Assert.Equal(2, Segments(index)); // three documents: their own segment, no forced merge
        Assert.Equal(48, index.Search.Count());
    }

    [Fact]
    public void NoMerge_WhenSwitchedOff()
    {
        using var index = new TestIndex(o =>
        {
            o.MergeAfterDocuments = 0;
            o.CommitEvery = 10;
        });
        AddDocuments(index, 0, 45);
        index.IngestOnly();
        Assert.True(Segments(index) > 1);
    }

    [Fact]
    public void ShortSessions_EachEndingInACommit_LetLuceneMerge()
    {
        // Topic tagging, overrides and small ingestions each write in a session of their own that ends
        // right after its commit. Closing the writer used to abort the merges that commit started: a
        // segment per session piled up (300 after re-tagging 100,000 documents; every reader then maps
        // them all again).
        using var index = new TestIndex(o => o.MergeAfterDocuments = 0);
        for (var i = 0; i < 30; i++)
        {
            AddDocuments(index, i, 1);
            Assert.Equal(1, index.IngestOnly().Added);
        }

        Assert.Equal(30, index.Search.Count());
        var segments = Segments(index);
        Assert.True(segments <= 12, $"{segments} segments after 30 sessions of one document");
    }
}
