using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Semantic;

/// <summary>
/// Hybrid search ranks the keyword matches only as deep as the page needs (<c>HybridSearch</c>); it must
/// give what ranking every match gives (<c>ExhaustiveHybrid</c>, the former path): the same hits in the
/// same order, scores, totals and facet counts, on every page, with filters, identifiers, typos and
/// operators, and with a fusion depth small enough that the ranking has to be deepened.
/// </summary>
public sealed class HybridPruningTests(HybridPruningTests.Corpus corpus) : IClassFixture<HybridPruningTests.Corpus>
{
    /// <summary>About 60 documents on a few subjects that share words, embedded by the real model once for the class.</summary>
    public sealed class Corpus : IDisposable
    {
        public Corpus()
        {
            string[] groups = ["11", "13", "17", "20"];
            string[] subjects =
            [
                "counterfeit mobile phones with cloned IMEI numbers are blocked by operators",
                "quantum key distribution networks relay keys between trusted nodes",
                "smart city sensors must authenticate devices and protect personal data",
                "stolen handsets are reported to an equipment identity register",
                "post-quantum cryptography migration for public key infrastructure",
                "video streaming quality is measured with subjective tests",
                "numbering resources for mobile networks are assigned by administrations",
                "IoT platforms need security updates for constrained devices",
            ];
            for (var i = 0; i < 60; i++)
            {
                var group = groups[i % groups.Length];
                var main = subjects[i % subjects.Length];
                var other = subjects[(i * 3 + 1) % subjects.Length];
                var mention = i % 7 == 0 ? " See Recommendation X.1205 and Q15/11." : string.Empty;
                Index.Add($"SG{group}-C{i:0000}.txt", TestIndex.Txt($"SG{group}-C{i:0000}", i % 2 == 0 ? "2022-2024" : "2025-2028", $"{(i % 5) + 1}/{group}",
                    i % 2 == 0 ? "10-19 May 2023" : "3-12 March 2025", $"Study {i} on {main.Split(' ')[0]} {main.Split(' ')[1]}",
                    $"This contribution {i} says that {main}. It also notes that {other}.{mention} Part {i % 4} of the work."));
            }

            // A long report that is the only document with one word: a sole match far down the keyword ranking.
            var logistics = string.Concat(Enumerable.Repeat("The meeting room, the agenda, the interpretation and the coffee breaks were arranged by the secretariat. ", 12));
            Index.Add("SG13-C0100.txt", TestIndex.Txt("SG13-C0100", "2025-2028", "1/13", "3-12 March 2025", "Report of the meeting",
                $"{logistics}The badge desk was called zyxwv by the staff. {logistics}"));
            Index.IngestOnly();
            Index.Semantic.SyncAsync(null, CancellationToken.None).GetAwaiter().GetResult();
        }

        internal TestIndex Index { get; } = new(o => o.SemanticEnabled = true);

        public void Dispose() => Index.Dispose();
    }

    public static TheoryData<string> Queries => new()
    {
        "counterfeit phones",
        "quantum keys for smart city devices",
        "stolen handsets register",
        "Q15/11",
        "X.1205 security of IoT",
        "countrefeit",
        "quantum AND key",
        "\"key distribution\"",
        "quant*",
        "video -streaming",
        "mobile",
        "counterfeit cloned IMEI blocked operators zyxwv",
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void EveryPage_FiltersAndFacets_SameAsRankingEveryMatch(string query) => EveryPageSameAsReference(query, SearchMode.Hybrid, pages: 5);

    /// <summary>Semantic search scores the keyword matches beyond the vector search's only when the page reaches them: every page as when all are scored.</summary>
    [Theory]
    [InlineData("counterfeit phones")]
    [InlineData("mobile")]
    [InlineData("quantum keys for smart city devices")]
    [InlineData("video -streaming")]
    public void SemanticSearch_EveryPage_SameAsScoringEveryMatch(string query) => EveryPageSameAsReference(query, SearchMode.Semantic, pages: 12);

    /// <summary>
    /// Pages 1 to <paramref name="pages"/> (4 hits each), unfiltered and with each filter, at the configured
    /// fusion depth and at 3: the same totals, hits, scores and facet counts as the reference path.
    /// </summary>
    private void EveryPageSameAsReference(string query, SearchMode mode, int pages)
    {
        var options = corpus.Index.Options.Value;
        var depth = options.FusionDepth;
        try
        {
            foreach (var fusionDepth in new[] { depth, 3 })
            {
                options.FusionDepth = fusionDepth;
                foreach (var filters in Filters())
                {
                    for (var page = 1; page <= pages; page++)
                    {
                        var request = new SearchRequest { Query = query, Mode = mode, Page = page, PageSize = 4, Filters = filters };
                        var fast = Search(request, exhaustive: false);
                        var reference = Search(request, exhaustive: true);
                        var context = $"{mode} '{query}', fusion depth {fusionDepth}, filters {string.Join(";", filters.Select(f => $"{f.Key}={string.Join(",", f.Value)}"))}, page {page}";
                        Assert.True(mode == fast.Mode, context);
                        Assert.True(reference.Total == fast.Total, $"{context}: total {fast.Total}, expected {reference.Total}");
                        Assert.True(reference.NothingMatchedWell == fast.NothingMatchedWell, context);
                        Assert.True(reference.Hits.Select(h => h.Id).SequenceEqual(fast.Hits.Select(h => h.Id)),
                            $"{context}: {string.Join(" ", fast.Hits.Select(h => h.Id))}, expected {string.Join(" ", reference.Hits.Select(h => h.Id))}");
                        for (var i = 0; i < fast.Hits.Count; i++)
                        {
                            SameScores(reference.Hits[i], fast.Hits[i], context);
                        }

                        Assert.True(reference.Facets.Keys.SequenceEqual(fast.Facets.Keys), context);
                        foreach (var (field, values) in reference.Facets)
                        {
                            Assert.True(values.SequenceEqual(fast.Facets[field]), $"{context}: facet {field}");
                        }
                    }
                }
            }
        }
        finally
        {
            options.FusionDepth = depth;
        }
    }

    [Fact]
    public void AKeywordMatchBelowTheRankedOnes_HasItsScoreAndTheDepthInsteadOfARank()
    {
        var options = corpus.Index.Options.Value;
        var depth = options.FusionDepth;
        options.FusionDepth = 2;
        try
        {
            var hits = Enumerable.Range(1, 20).SelectMany(page =>
                Search(new SearchRequest { Query = "bogus cellphones work", Mode = SearchMode.Hybrid, Page = page, PageSize = 3 }, exhaustive: false).Hits).ToList();
            var reference = Enumerable.Range(1, 20).SelectMany(page =>
                Search(new SearchRequest { Query = "bogus cellphones work", Mode = SearchMode.Hybrid, Page = page, PageSize = 3 }, exhaustive: true).Hits).ToDictionary(h => h.Id);
            var unranked = hits.Where(h => h.Scores!.Keyword is not null && h.Scores.KeywordRank is null).ToList();
            Assert.NotEmpty(unranked);
            foreach (var hit in unranked)
            {
                Assert.NotNull(hit.Scores!.KeywordRankOver);
                Assert.True(reference[hit.Id].Scores!.KeywordRank > hit.Scores.KeywordRankOver, $"{hit.Id}: rank {reference[hit.Id].Scores!.KeywordRank}, said to be below {hit.Scores.KeywordRankOver}");
                Assert.Contains(hit.Why!, w => w.Contains("keyword rank below the first", StringComparison.Ordinal));
            }
        }
        finally
        {
            options.FusionDepth = depth;
        }
    }

    private static IEnumerable<Dictionary<string, IReadOnlyList<string>>> Filters()
    {
        yield return [];
        yield return new() { ["sg"] = ["SG11"] };
        yield return new() { ["sg"] = ["SG11", "SG17"], ["period"] = ["2025-2028"] };
    }

    private SearchResponse Search(SearchRequest request, bool exhaustive)
    {
        corpus.Index.Search.ExhaustiveHybrid = exhaustive;
        try
        {
            return corpus.Index.Search.Search(request);
        }
        finally
        {
            corpus.Index.Search.ExhaustiveHybrid = false;
        }
    }

    private static void SameScores(SearchHit expected, SearchHit actual, string context)
    {
        var e = expected.Scores!;
        var a = actual.Scores!;
        context = $"{context}, {actual.Id}";
        Assert.True(e.Semantic == a.Semantic && e.SemanticRank == a.SemanticRank, $"{context}: semantic {a.Semantic} #{a.SemanticRank}, expected {e.Semantic} #{e.SemanticRank}");
        Assert.True(e.Fused == a.Fused && e.IdentifierMatch == a.IdentifierMatch, $"{context}: fused {a.Fused} {a.IdentifierMatch}, expected {e.Fused} {e.IdentifierMatch}");
        Assert.True((e.Keyword is null) == (a.Keyword is null), $"{context}: keyword {a.Keyword}, expected {e.Keyword}");
        if (e.Keyword is { } k)
        {
            Assert.True(Math.Abs(k - a.Keyword!.Value) <= 1e-4 * Math.Max(1, k), $"{context}: keyword {a.Keyword}, expected {k}");
            Assert.True(a.KeywordRank == e.KeywordRank || (a.KeywordRank is null && e.KeywordRank > a.KeywordRankOver), $"{context}: keyword rank {a.KeywordRank} (over {a.KeywordRankOver}), expected {e.KeywordRank}");
        }

        Assert.Equal(expected.Snippet, actual.Snippet);
    }
}
