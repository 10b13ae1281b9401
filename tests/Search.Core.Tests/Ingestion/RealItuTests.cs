using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Ingestion;

/// <summary>
/// The published ITU-T texts of <c>../shared/real-itu</c>, ingested by the real pipeline with the
/// bundled topic model, against labels written by reading each file (<c>RealItu/labels.tsv</c>,
/// never produced by the code under test). Skipped with a visible reason where the folder is absent.
/// </summary>
public sealed class RealItuTests
{
    private static readonly Lazy<RealItuIndex> LazyIndex = new(() => new RealItuIndex());

    private static RealItuIndex Index => LazyIndex.Value;

    public static TheoryData<string> RecommendationFiles =>
        [.. RealItuLabels.All.Where(l => l.File.StartsWith("T-REC-", StringComparison.Ordinal)).Select(l => l.File)];

    [SharedTheory("real-itu")]
    [MemberData(nameof(RecommendationFiles))]
    public void Recommendation_HasKindNumberApprovalGroupAndTitle(string file)
    {
        var label = RealItuLabels.All.Single(l => l.File == file);
        var m = Index.Metadata(file);

        Assert.Equal(DocumentKind.Recommendation, m.Kind);
        Assert.Equal(label.Number, m.Number);
        Assert.NotNull(m.Date);
        Assert.Equal(label.Approval, DateExpressions.Iso8601(m.Date.Value)[..label.Approval.Length]);
        Assert.Equal(label.Period, m.StudyPeriod);
        Assert.Equal(string.IsNullOrEmpty(label.SubKind) ? null : label.SubKind, m.Recommendation?.SubKind);
        if (label.Group.Length > 0)
        {
            Assert.Equal(label.Group, m.Group);
            Assert.Equal([label.Group], m.StudyGroups);
        }

        if (label.Title.Length > 0)
        {
            Assert.Equal(Letters(label.Title), Letters(m.Title));
        }

        if (label.Numbers.Length > 0)
        {
            Assert.Equal(label.Numbers.Split('/'), m.Recommendation!.Numbers);
        }
    }

    [SharedFact("real-itu")]
    public void EveryLabelledFile_HasItsKindAndNumber()
    {
        foreach (var label in RealItuLabels.All)
        {
            var m = Index.Metadata(label.File);
            Assert.True(label.Kind == DocumentMetadata.KindCode(m.Kind), $"{label.File}: kind {DocumentMetadata.KindCode(m.Kind)}");
            Assert.True((label.Number.Length == 0 ? null : label.Number) == m.Number, $"{label.File}: number {m.Number}");
        }
    }

    [SharedFact("real-itu")]
    public void Topics_NoFalseCounterfeitOrQuantum_AtMostOneFalseIot()
    {
        var falseTags = new List<(string File, string Topic)>();
        foreach (var label in RealItuLabels.All)
        {
            var expected = label.Topics.Split(',', StringSplitOptions.RemoveEmptyEntries);
            falseTags.AddRange(Index.Topics(label.File).Where(t => !expected.Contains(t)).Select(t => (label.File, t)));
        }

        Assert.DoesNotContain(falseTags, f => f.Topic is "counterfeit" or "quantum");
        Assert.True(falseTags.Count(f => f.Topic == "iot") <= 1, string.Join(", ", falseTags));
    }

    [SharedTheory("real-itu")]
    [InlineData("Q.850", "T-REC-Q.850-201810-I_MSW-E.docx")]
    [InlineData("X.500", "T-REC-X.500-201610-I_MSW-E.docx")]
    [InlineData("Y.4500.15", "T-REC-Y.4500.15-201803-I_MSW-E.docx")]
    [InlineData("Q.3955", "T-REC-Y.4500.15-201803-I_MSW-E.docx")]
    [InlineData("usage of cause and location", "T-REC-Q.850-201810-I_MSW-E.docx")]
    [InlineData("directory overview of concepts models and services", "T-REC-X.500-201610-I_MSW-E.docx")]
    [InlineData("oneM2M testing framework", "T-REC-Y.4500.15-201803-I_MSW-E.docx")]
    public void Recommendation_IsFoundFirst_ByNumberAndByTitleWords(string query, string file)
    {
        var hits = Index.Index.Search.Search(new SearchRequest { Query = query, Mode = SearchMode.Bm25, PageSize = 5 }).Hits;
        Assert.NotEmpty(hits);
        Assert.Equal(file, hits[0].Id);
    }

    [SharedFact("real-itu")]
    public void SeriesTable_IsNotAMatch()
    {
        // "COMBATING COUNTERFEITING AND STOLEN ICT DEVICES" is in the series tables of Y.4500.15 and Q.850, and nowhere else.
        Assert.Empty(Index.Index.Search.Search(new SearchRequest { Query = "\"counterfeiting and stolen\"", Mode = SearchMode.Bm25 }).Hits);
        var hits = Index.Index.Search.Search(new SearchRequest { Query = "counterfeit ICT devices", Mode = SearchMode.Bm25, PageSize = 50 }).Hits;
        Assert.DoesNotContain(hits, h => h.Snippet.Contains("COUNTERFEIT", StringComparison.OrdinalIgnoreCase));
    }

    [SharedFact("real-itu")]
    public void SeriesTable_IsNotCited_AndRangesAreOneCitation()
    {
        var m = Index.Metadata("T-REC-Y.4500.15-201803-I_MSW-E.docx");
        Assert.DoesNotContain("Q.5050", m.References.Recommendations);
        Assert.DoesNotContain("Y.100", m.References.Recommendations);
        Assert.DoesNotContain(m.References.Recommendations, r => r.Contains('–', StringComparison.Ordinal));
    }

    [SharedFact("real-itu")]
    public void Boilerplate_IsStoredButNotInContentLines()
    {
        var details = Index.Index.Search.Get("T-REC-K.20-201810-I_MSW-E.docx");
        Assert.NotNull(details);
        Assert.Contains("FOREWORD", details.Text, StringComparison.Ordinal);
        using var lease = Index.Index.Store.Lease();
        var hits = lease.Searcher.Search(new Lucene.Net.Search.TermQuery(new Lucene.Net.Index.Term(IndexFields.Id, "T-REC-K.20-201810-I_MSW-E.docx")), 1);
        var doc = lease.Searcher.Doc(hits.ScoreDocs[0].Doc);
        var content = DocumentMapper.ContentLines(doc.Get(IndexFields.Body)!, doc.Get(IndexFields.Boilerplate));
        Assert.DoesNotContain(content, l => l.Contains("FOREWORD", StringComparison.Ordinal) || l.Contains("All rights reserved", StringComparison.Ordinal) || l.StartsWith("Series K", StringComparison.Ordinal));
        Assert.Contains(content, l => l.Contains("resistibility requirements", StringComparison.OrdinalIgnoreCase));
    }

    [SharedFact("real-itu")]
    public void Citation_ResolvesToTheIndexedRecommendation()
    {
        // The Q11/17 report cites X.500 (its amendment in progress): the citation resolves to Recommendation X.500.
        var links = Index.Index.Search.Links("SG17-WP1-TD74-Q11-report.txt");
        Assert.NotNull(links);
        Assert.Contains(links.Cites, c => c.Number == "X.500" && c.Id == "T-REC-X.500-201610-I_MSW-E.docx");

        var citedBy = Index.Index.Search.Links("X.500");
        Assert.NotNull(citedBy);
        Assert.Contains(citedBy.CitedBy, c => c.Id == "SG17-WP1-TD74-Q11-report.txt");
        Assert.Contains(citedBy.CitedBy, c => c.Id == "T-REC-J.1-201901-P_MSW-E.docx");
    }

    [SharedFact("real-itu")]
    public void Facets_CountRecommendationsAndSeries()
    {
        var facets = Index.Index.Search.Facets();
        Assert.Contains(facets[IndexFields.Kind], v => v.Value == "recommendation" && v.Count == RealItuLabels.All.Count(l => l.Kind == "recommendation"));
        Assert.Contains(facets[IndexFields.Series], v => v.Value == "Z" && v.Count == 7);
    }

    private static string Letters(string? text) => new((text ?? string.Empty).ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());

    private sealed class RealItuIndex
    {
        public RealItuIndex()
        {
            Index = new TestIndex(o =>
            {
                o.TopicsEnabled = true;
                o.TopicsPath = Path.Combine(RepoPaths.Corpus, "topics.tsv");
                o.TrainingPath = Path.Combine(RepoPaths.Corpus, "training");
                o.QueryTimeoutSeconds = 30; // not a budget test: a first query on a loaded machine may take seconds of JIT
            });
            Index.Pipeline.IngestAsync(Path.Combine(RepoPaths.Shared, "real-itu"), null, CancellationToken.None).GetAwaiter().GetResult();
        }

        public TestIndex Index { get; }

        public DocumentMetadata Metadata(string id) =>
            Index.Search.Get(id)?.Metadata ?? throw new InvalidOperationException($"{id} is not indexed");

        public List<string> Topics(string id) =>
            Index.Search.Get(id)?.Topics.Select(t => t.Topic).ToList() ?? throw new InvalidOperationException($"{id} is not indexed");
    }
}

/// <summary>One row of <c>RealItu/labels.tsv</c>.</summary>
internal sealed record RealItuLabel(string File, string Kind, string SubKind, string Number, string Numbers, string Approval, string Group, string Period, string Title, string Topics);

internal static class RealItuLabels
{
    public static IReadOnlyList<RealItuLabel> All { get; } = Load();

    private static List<RealItuLabel> Load()
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "Search.Core.Tests", "Ingestion", "RealItu", "labels.tsv");
        return File.ReadAllLines(path)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Skip(1)
            .Select(l => l.Split('\t'))
            .Select(c => new RealItuLabel(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]))
            .ToList();
    }
}
