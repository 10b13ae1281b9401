using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Querying;

/// <summary>A hit's stored document is never stale after an update.</summary>
public sealed class HitDocumentsTests : IDisposable
{
    private readonly TestIndex _index = new();

    public void Dispose() => _index.Dispose();

    [Fact]
    public void AnUpdatedDocument_IsShownAsUpdated()
    {
        _index.Add("SG17-C0001.txt", TestIndex.Txt("SG17-C0001", "2025-2028", "6/17", "8-17 April 2025", "Zero trust for gateways", "Zero trust gateways and their keys."));
        _index.Ingest();
        var first = _index.Search.Search(new SearchRequest { Query = "gateways", Mode = SearchMode.Bm25 }).Hits.Single();
        using (var lease = _index.Store.Lease())
        {
            var doc = lease.Searcher.Search(new Lucene.Net.Search.TermQuery(new Lucene.Net.Index.Term("id", "SG17-C0001.txt")), 1).ScoreDocs[0].Doc;
            Assert.Equal("SG17-C1", HitDocuments.Of(lease.Searcher, doc).Metadata.Number);
        }

        _index.Add("SG17-C0001.txt", TestIndex.Txt("SG17-C0001", "2025-2028", "6/17", "8-17 April 2025", "Zero trust for gateways, revised", "Zero trust gateways and their keys, revised."));
        _index.Ingest();
        var second = _index.Search.Search(new SearchRequest { Query = "gateways", Mode = SearchMode.Bm25 }).Hits.Single();

        Assert.Equal("Zero trust for gateways", first.Title);
        Assert.Equal("Zero trust for gateways, revised", second.Title);
        Assert.Contains("revised", second.Snippet, StringComparison.Ordinal);
    }
}
