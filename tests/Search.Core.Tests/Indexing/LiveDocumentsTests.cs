using System.Globalization;
using Search.Core.Indexing;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Indexing;

/// <summary>Ids and hashes read from doc values name the same documents as their stored fields, across segments and deletions.</summary>
public sealed class LiveDocumentsTests
{
    [Fact]
    public void IdsAndHashes_GiveEachLiveDocumentsNumber_AsItsStoredFieldsDo()
    {
        using var index = new TestIndex(o =>
        {
            o.MergeAfterDocuments = 0; // several segments stay
            o.CommitEvery = 4;
        });
        for (var i = 0; i < 13; i++)
        {
            var number = string.Create(CultureInfo.InvariantCulture, $"SG17-C{i:0000}");
            index.Add(number + ".txt", TestIndex.Txt(number, "2022-2024", "6/17", "8-17 April 2025", $"Document {i}", $"Text of document {i} on security."));
        }

        index.IngestOnly();
        File.Delete(Path.Combine(index.Documents, "SG17-C0005.txt"));
        index.Add("SG17-C0002.txt", TestIndex.Txt("SG17-C0002", "2022-2024", "6/17", "8-17 April 2025", "Document 2", "Changed text of document 2."));
        index.IngestOnly();

        using var lease = index.Store.Lease();
        var reader = lease.Searcher.IndexReader;
        Assert.True(reader.Leaves.Count > 1);
        Assert.True(reader.HasDeletions);
        var expected = LiveDocuments.Read(reader, new HashSet<string> { IndexFields.Id, IndexFields.Hash })
            .Select(d => (d.Doc, (string?)d.Stored.Get(IndexFields.Id), (string?)d.Stored.Get(IndexFields.Hash)))
            .ToList();
        var actual = LiveDocuments.IdsAndHashes(reader).ToList();
        Assert.Equal(12, actual.Count);
        Assert.Equal(expected, actual);
        Assert.DoesNotContain(actual, d => d.Id == "SG17-C0005");
    }

    [Fact]
    public void Taggings_AreTheStoredFields_ForTaggedUntaggedAndUpdatedDocuments()
    {
        using var topics = new TopicTestIndex();
        var index = topics.Index;
        index.Ingest();
        index.Add("SG17-C0003.txt", TestIndex.Txt("SG17-C0003", "2022-2024", "6/17", "8-17 April 2025", "Gateways", "Zero trust gateways and their keys."));
        index.IngestOnly(); // the new document is tagged while ingested; a second segment
        index.Add("SG2-C0002.txt", TestIndex.Txt("SG2-C0002", "2022-2024", "2/2", "10-19 May 2023", "Numbering plan", "The numbering plan assigns country codes."));
        index.IngestOnly(); // an update: a deletion and a third segment

        // Untagged yet (this pipeline has no tagger): the two new versions; tagged: the first.
        var before = Compare(index);
        Assert.Equal(2, before.Count(d => d.TopicsBy is null));

        index.CatchUp(); // tags them: written again, with doc values
        var after = Compare(index);
        Assert.Equal(3, after.Count);
        Assert.All(after, d => Assert.NotNull(d.TopicsBy));
        Assert.All(after, d => Assert.False(string.IsNullOrEmpty(d.TopicsModelId)));

        static List<(int Doc, string Id, string Hash, string? TopicsBy, string? TopicsModelId)> Compare(TestIndex index)
        {
            using var lease = index.Store.Lease();
            var reader = lease.Searcher.IndexReader;
            Assert.True(reader.Leaves.Count > 1);
            var expected = LiveDocuments.Read(reader)
                .Select(d => (d.Doc, d.Stored.Get(IndexFields.Id)!, d.Stored.Get(IndexFields.Hash)!, (string?)d.Stored.Get(IndexFields.TopicsBy), (string?)d.Stored.Get(IndexFields.TopicsModelId)))
                .ToList();
            var actual = LiveDocuments.Taggings(reader).ToList();
            Assert.Equal(3, actual.Count);
            Assert.Equal(expected, actual);
            return actual;
        }
    }
}
