using Search.Core;
using Search.Core.Querying;
using Search.Core.Semantic;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Semantic;

/// <summary>Semantic and hybrid search over a real index with the real embedding model.</summary>
public sealed class SemanticSearchTests : IDisposable
{
    private readonly TestIndex _index = new(o => o.SemanticEnabled = true);

    public SemanticSearchTests()
    {
        _index.Add("SG11-C0001.txt", TestIndex.Txt("SG11-C0001", "2022-2024", "15/11", "10-19 May 2023", "Counterfeit ICT equipment",
            "Counterfeit ICT equipment with cloned IMEI values is detected by the equipment identity register and blocked by operators."));
        _index.Add("SG17-C0002.txt", TestIndex.Txt("SG17-C0002", "2022-2024", "15/17", "4-13 September 2023", "Quantum key distribution",
            "Quantum key distribution networks relay keys between trusted nodes; key management supplies the encryptors."));
        _index.Add("SG20-C0003.txt", TestIndex.Txt("SG20-C0003", "2025-2028", "6/20", "3-12 March 2025", "Smart city sensors",
            "Smart city sensor platforms must authenticate devices and protect residents' personal data. See Q15/11 for device identifiers."));
        _index.Add("SG12-C0004.txt", TestIndex.Txt("SG12-C0004", "2025-2028", "14/12", "3-12 March 2025", "Video streaming quality",
            "Subjective tests of adaptive video streaming measure stalling and resolution switches."));
        _index.IngestOnly(); // each test embeds when it wants vectors
    }

    public void Dispose() => _index.Dispose();

    private Task<SemanticStatus> SyncAsync() => _index.Semantic.SyncAsync(null, CancellationToken.None);

    [Fact]
    public void AQueryAskedAgain_IsNotEmbeddedAgain_AndHasTheModelsVector()
    {
        var first = _index.Semantic.EmbedQuery("fake handsets", CancellationToken.None);
        var again = _index.Semantic.EmbedQuery("fake handsets", CancellationToken.None);
        var other = _index.Semantic.EmbedQuery("quantum keys", CancellationToken.None);

        Assert.Same(first, again);
        Assert.Equal(_index.Semantic.Model.Embed(["fake handsets"], CancellationToken.None)[0], first);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task BeforeVectorsExist_HybridFallsBackToBm25_AndSaysSo()
    {
        var early = _index.Search.Search(new SearchRequest { Query = "counterfeit" });
        Assert.Equal(SearchMode.Bm25, early.Mode);
        Assert.Equal(SearchMode.Hybrid, early.RequestedMode);
        Assert.Contains("not ready", early.Notice, StringComparison.Ordinal);

        await SyncAsync();
        var ready = _index.Search.Search(new SearchRequest { Query = "counterfeit" });
        Assert.Equal(SearchMode.Hybrid, ready.Mode);
        Assert.Null(ready.Notice);
        Assert.True(_index.Semantic.Status().Ready);
    }

    [Fact]
    public async Task Semantic_FindsAParaphraseThatSharesNoWordWithTheDocument()
    {
        await SyncAsync();

        var bm25 = _index.Search.Search(new SearchRequest { Query = "fake handsets", Mode = SearchMode.Bm25 });
        var semantic = _index.Search.Search(new SearchRequest { Query = "fake handsets", Mode = SearchMode.Semantic });

        Assert.Equal(0, bm25.Total);
        Assert.Equal("SG11-C0001.txt", semantic.Hits[0].Id);
        Assert.NotNull(semantic.Hits[0].Scores.Semantic);
        Assert.Contains("Counterfeit ICT equipment", semantic.Hits[0].Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hybrid_ExposesComponentScores()
    {
        await SyncAsync();
        var hit = _index.Search.Search(new SearchRequest { Query = "quantum keys" }).Hits[0];

        Assert.Equal("SG17-C0002.txt", hit.Id);
        Assert.NotNull(hit.Scores.Keyword);
        Assert.Equal(1, hit.Scores.KeywordRank);
        Assert.NotNull(hit.Scores.Semantic);
        Assert.True(hit.Scores.Fused > 0);
    }

    [Fact]
    public async Task ExactIdentifierMatch_IsNeverRankedBelowAMerelySimilarDocument()
    {
        await SyncAsync();

        // The query is about counterfeit devices, which SG11-C0001 treats at length; but only the two
        // documents citing Q15/11 match the identifier, and they come first.
        var hits = _index.Search.Search(new SearchRequest { Query = "Q15/11 counterfeit devices identity register", Mode = SearchMode.Hybrid }).Hits;
        var matching = hits.TakeWhile(h => h.Scores.IdentifierMatch).Select(h => h.Id).Order().ToList();
        Assert.Equal(["SG11-C0001.txt", "SG20-C0003.txt"], matching);
        Assert.All(hits.Skip(2), h => Assert.False(h.Scores.IdentifierMatch));

        var semantic = _index.Search.Search(new SearchRequest { Query = "Q15/11 video", Mode = SearchMode.Semantic }).Hits;
        Assert.True(semantic[0].Scores.IdentifierMatch);
        Assert.NotEqual("SG12-C0004.txt", semantic[0].Id);
    }

    [Fact]
    public async Task FacetFilters_ApplyToSemanticResults()
    {
        await SyncAsync();
        var response = _index.Search.Search(new SearchRequest
        {
            Query = "protecting personal data",
            Mode = SearchMode.Semantic,
            Filters = new Dictionary<string, IReadOnlyList<string>> { ["period"] = ["2022-2024"] },
        });

        Assert.Equal(["SG11-C0001.txt", "SG17-C0002.txt"], response.Hits.Select(h => h.Id).Order());
        var period = response.Facets["period"].ToDictionary(v => v.Value, v => v.Count);
        Assert.Equal(2, period["2022-2024"]);
        Assert.Equal(2, period["2025-2028"]); // counted without its own selection
    }

    [Fact]
    public async Task Related_ExcludesTheDocumentItself()
    {
        await SyncAsync();
        var related = _index.Search.Related("SG11-C0001.txt", 10);

        Assert.Equal(3, related.Count);
        Assert.DoesNotContain(related, r => r.Id == "SG11-C0001.txt");
        Assert.All(related, r => Assert.NotNull(r.Group));
        Assert.True(related[0].Similarity >= related[^1].Similarity);
    }

    [Fact]
    public async Task VectorsAndLuceneStayInStep_AfterACrashBetweenWritingAndCommitting()
    {
        await SyncAsync();
        var before = _index.Semantic.Current.Entries;

        _index.Add("SG2-C0005.txt", TestIndex.Txt("SG2-C0005", "2025-2028", "1/2", "3-12 March 2025", "Numbering", "Country codes are assigned to new networks."));
        _index.IngestOnly();
        var crashing = new SemanticIndex(_index.Store, SharedModel.Instance, _index.Options, Microsoft.Extensions.Logging.Abstractions.NullLogger<SemanticIndex>.Instance);
        crashing.BeforeCommit += () => throw new IOException("simulated crash before the commit");
        await Assert.ThrowsAsync<IOException>(() => crashing.SyncAsync(null, CancellationToken.None));

        // A fresh process: it loads the vectors the last commit names, not the orphan file.
        using var reopened = new SemanticIndex(_index.Store, SharedModel.Instance, _index.Options, Microsoft.Extensions.Logging.Abstractions.NullLogger<SemanticIndex>.Instance);
        Assert.Equal(before, reopened.Current.Entries);
        Assert.Equal(2, Directory.GetFiles(_index.Store.IndexPath, "vectors-*.svec").Length);
        Assert.False(reopened.Status().Ready);
        Assert.Equal(4, reopened.Status().CoveredDocuments);

        var status = await reopened.SyncAsync(null, CancellationToken.None);
        Assert.True(status.Ready);
        Assert.Equal(5, status.CoveredDocuments);
        Assert.Single(Directory.GetFiles(_index.Store.IndexPath, "vectors-*.svec"));
    }

    [Fact]
    public async Task ReSync_EmbedsOnlyChangedDocuments_UsingTheCache()
    {
        await SyncAsync();
        File.AppendAllText(Path.Combine(_index.Documents, "SG12-C0004.txt"), "\nMean opinion scores were collected.\n");
        _index.IngestOnly();

        var progress = new List<EmbeddingProgress>();
        await _index.Semantic.SyncAsync(new ActionProgress<EmbeddingProgress>(progress.Add), CancellationToken.None);

        Assert.True(_index.Semantic.Status().Ready);
        Assert.True(progress.Count == 0 || progress[^1].Total <= 2, "only the changed document's passages are embedded");
    }

}
