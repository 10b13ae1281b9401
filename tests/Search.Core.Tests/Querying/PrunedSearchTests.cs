using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Search.Core.Indexing;
using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Querying;

/// <summary>
/// The search service's keyword path for word queries (match bit sets, facets from them, MaxScore top k)
/// against Lucene's exhaustive one-pass search on the same index: hits page by page, totals, filters
/// and multi-select facet counts.
/// </summary>
public sealed class PrunedSearchTests : IDisposable
{
    private static readonly string[] Groups = ["11", "13", "17", "20"];
    private readonly TestIndex _index = new();
    private readonly Random _random = new(5122026);

    public PrunedSearchTests()
    {
        for (var i = 0; i < 160; i++)
        {
            var group = Groups[i % Groups.Length];
            var number = string.Create(CultureInfo.InvariantCulture, $"SG{group}-C{i:0000}");
            var body = string.Join(' ', Enumerable.Range(0, _random.Next(20, 120)).Select(_ => Word()));
            _index.Add(number + ".txt", TestIndex.Txt(number, "2022-2024", $"{1 + (i % 5)}/{group}", "10-19 May 2023", $"{Word()} {Word()} {Word()}", body));
        }

        Assert.Equal(160, _index.Ingest().Added);
    }

    public void Dispose() => _index.Dispose();

    private static readonly string[] Vocabulary = ["network", "security", "quantum", "device", "counterfeit", "identity", "sensor", "gateway", "protocol", "key",
        "management", "trust", "cloud", "edge", "privacy", "signal", "routing", "mobile", "satellite", "optical"];

    private string Word() => Vocabulary[(int)Math.Floor(Math.Pow(Vocabulary.Length, _random.NextDouble())) - 1];

    private (List<(string Id, float Score)> Hits, int Total) Exhaustive(string text, string? group, int page)
    {
        using var lease = _index.Store.Lease();
        var searcher = lease.Searcher;
        Query query = UserQueryParser.Parse(text);
        Assert.NotNull(Disjunction.Of(searcher, query)); // the path under test
        if (group is not null)
        {
            query = new FilteredQuery(query, new QueryWrapperFilter(new TermQuery(new Term(IndexFields.StudyGroup, "SG" + group))));
        }

        var top = searcher.Search(query, page * 10);
        var hits = top.ScoreDocs.Skip((page - 1) * 10).Select(d => (searcher.Doc(d.Doc).Get(IndexFields.Id), d.Score)).ToList();
        return (hits, top.TotalHits);
    }

    [Fact]
    public void Hits_AndTotals_AreTheExhaustiveSearchs()
    {
        for (var q = 0; q < 40; q++)
        {
            var text = string.Join(' ', Enumerable.Range(0, _random.Next(1, 8)).Select(_ => Word()));
            var group = q % 3 == 0 ? Groups[q % Groups.Length] : null;
            foreach (var page in new[] { 1, 2 })
            {
                var filters = group is null ? new Dictionary<string, IReadOnlyList<string>>() : new() { ["sg"] = ["SG" + group] };
                var response = _index.Search.Search(new SearchRequest { Query = text, Filters = filters, Page = page, PageSize = 10, IncludeFacets = q % 2 == 0 });
                var (hits, total) = Exhaustive(text, group, page);
                Assert.True(total == response.Total, $"'{text}' sg={group}: total {response.Total}, exhaustive {total}");
                Assert.Equal(hits.Count, response.Hits.Count);
                for (var i = 0; i < hits.Count; i++)
                {
                    Assert.True(Math.Abs(hits[i].Score - (float)response.Hits[i].Score) <= 1e-4 * Math.Max(1, hits[i].Score), $"'{text}' page {page} rank {i + 1}: {response.Hits[i].Score} against {hits[i].Score}");
                    var tied = hits.Count(h => Math.Abs(h.Score - hits[i].Score) <= 1e-4) > 1;
                    Assert.True(tied || hits[i].Id == response.Hits[i].Id, $"'{text}' page {page} rank {i + 1}: {response.Hits[i].Id} against {hits[i].Id}");
                }
            }
        }
    }

    [Fact]
    public void MultiSelectFacets_AreTheOnePassCounters()
    {
        var selections = new Dictionary<string, IReadOnlySet<string>> { [IndexFields.StudyGroup] = new HashSet<string> { "SG13", "SG17" }, [IndexFields.Question] = new HashSet<string> { "Q2/13", "Q2/17", "Q3/17" } };
        foreach (var text in new[] { "security", "quantum network key", "satellite optical routing mobile" })
        {
            var response = _index.Search.Search(new SearchRequest
            {
                Query = text,
                Filters = new Dictionary<string, IReadOnlyList<string>> { ["sg"] = ["SG13", "SG17"], ["question"] = ["2/13", "2/17", "3/17"] },
            });
            using var lease = _index.Store.Lease();
            var top = TopScoreDocCollector.Create(10, true);
            var counter = new FacetCounter(IndexFields.Facets, selections, top);
            lease.Searcher.Search(UserQueryParser.Parse(text), counter);
            Assert.Equal(counter.TotalHits, response.Total);
            Assert.True(counter.Counts()[IndexFields.StudyGroup].Count > 0, $"'{text}' counted nothing");
            foreach (var (field, counts) in counter.Counts())
            {
                var shown = response.Facets[field].Where(v => v.Count > 0).ToDictionary(v => v.Value, v => v.Count);
                Assert.True(counts.OrderBy(c => c.Key).SequenceEqual(shown.OrderBy(c => c.Key)), $"'{text}' {field}: {string.Join(',', shown)} against {string.Join(',', counts)}");
            }
        }
    }
}
