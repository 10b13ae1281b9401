using Search.Core.Ingestion;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Corpus;

public sealed class CorpusManifestTests
{
    private static readonly string[] Topics = ["counterfeit", "iot", "quantum"];

    [Fact]
    public void Manifest_ListsEveryDocumentFile_AndNothingElse()
    {
        var onDisk = Directory.GetFiles(Path.Combine(RepoPaths.Corpus, "documents")).Select(f => "documents/" + Path.GetFileName(f)).Order(StringComparer.Ordinal);
        Assert.Equal(onDisk, CorpusFiles.Manifest.Select(r => r.File).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryDocument_IsReadByTheProjectsReaders_WithTheManifestsMetadata()
    {
        var problems = new List<string>();
        foreach (var row in CorpusFiles.Manifest)
        {
            var m = MetadataExtractor.Extract(CorpusFiles.Texts[row.File], Path.GetFileName(row.File));
            void Check(string field, string? actual, string expected)
            {
                if (actual != expected)
                {
                    problems.Add($"{row.File}: {field} is '{actual}', manifest says '{expected}'");
                }
            }

            Check("kind", DocumentMetadata.KindCode(m.Kind), row.Kind);
            Check("number", m.Number, row.Number);
            Check("group", m.Group, row.Group);
            Check("study period", m.StudyPeriod, row.Period);
            foreach (var q in row.Questions.Where(q => !m.Questions.Contains(q)))
            {
                problems.Add($"{row.File}: Question {q} not found");
            }

            if (m.Title is null || m.Date is null)
            {
                problems.Add($"{row.File}: no title or date");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Corpus_HasTheCountsTheCorpusIssueAsksFor()
    {
        var rows = CorpusFiles.Manifest;
        Assert.True(rows.Count >= 200, $"{rows.Count} documents");

        double Share(string format) => rows.Count(r => r.Format == format) / (double)rows.Count;
        Assert.InRange(Share("docx"), 0.53, 0.67);
        Assert.InRange(Share("txt"), 0.18, 0.32);
        Assert.InRange(Share("pdf"), 0.10, 0.20);

        foreach (var topic in Topics)
        {
            Assert.True(rows.Count(r => r.Topics.Contains(topic)) >= 35, topic);
        }

        Assert.True(rows.Count(r => r.Topics.Count >= 2) >= 20);
        Assert.True(rows.Count(r => r.Topics.Count == 0) >= 60);
        Assert.All(rows.SelectMany(r => r.Topics), t => Assert.Contains(t, Topics));

        string[] groups = ["SG2", "SG5", "SG11", "SG12", "SG13", "SG15", "SG17", "SG20", "TSAG"];
        Assert.All(groups, g => Assert.Contains(rows, r => r.Group == g));
        Assert.Contains(rows, r => r.Group is "SG16" or "SG21");
        Assert.Equal(["2017-2020", "2022-2024", "2025-2028"], rows.Select(r => r.Period).Distinct().Order());
        Assert.Equal(["contribution", "ls", "report", "td"], rows.Select(r => r.Kind).Distinct().Order());
    }

    [Fact]
    public void Documents_Have300To1500WordsOfBody()
    {
        var outside = CorpusFiles.Texts
            .Select(t => (t.Key, Words: t.Value.WordCount))
            .Where(t => t.Words < 300 || t.Words > 1500 + 250) // the header adds up to a few hundred words
            .ToList();
        Assert.Empty(outside);
    }

    [Fact]
    public void PlantedOverlaps_SpanDifferentStudyGroups()
    {
        var clusters = CorpusFiles.Table("overlaps.tsv");
        Assert.True(clusters.Count >= 15, $"{clusters.Count} clusters");
        var groupOf = CorpusFiles.Manifest.ToDictionary(r => r.File, r => r.Group);
        foreach (var cluster in clusters)
        {
            var files = cluster[3].Split(',');
            Assert.True(files.Select(f => groupOf[f]).Distinct().Count() >= 2, cluster[0]);
        }
    }

    [Fact]
    public void Documents_ReferenceOtherDocumentsOfTheCorpusByNumber()
    {
        var numbers = CorpusFiles.Manifest.Select(r => r.Number).ToHashSet();
        var linked = CorpusFiles.Manifest
            .Select(r => MetadataExtractor.Extract(CorpusFiles.Texts[r.File], Path.GetFileName(r.File)))
            .Count(m => m.References.Documents.Any(numbers.Contains));
        Assert.True(linked >= 20, $"{linked} documents cite another corpus document by number");
    }

    [Fact]
    public void TrainingPassages_HaveTheLabelsTheClassifierNeeds()
    {
        var passages = CorpusFiles.Passages();
        Assert.True(passages.Count >= 900, $"{passages.Count} passages");
        Assert.Equal(passages.Count, passages.Select(p => p.Id).Distinct().Count());
        foreach (var topic in Topics)
        {
            Assert.True(passages.Count(p => p.Topics.Contains(topic)) >= 200, topic);
        }

        Assert.True(passages.Count(p => p.Topics.Count == 0) >= 300);
        Assert.All(passages, p => Assert.InRange(p.Topics.Count, 0, 3));
        Assert.All(passages.SelectMany(p => p.Topics), t => Assert.Contains(t, Topics));
    }

    [Fact]
    public void JudgedQueries_CoverParaphrasesIdentifiersAndKeywords()
    {
        var queries = File.ReadAllLines(Path.Combine(RepoPaths.Corpus, "eval", "queries.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(e => (Id: e.GetProperty("_id").GetString()!, Type: e.GetProperty("type").GetString()!))
            .ToList();
        Assert.True(queries.Count >= 40);
        Assert.True(queries.Count(q => q.Type == "paraphrase") * 3 >= queries.Count);
        Assert.Contains(queries, q => q.Type == "identifier");
        Assert.Contains(queries, q => q.Type == "keyword");

        var qrels = CorpusFiles.Table(Path.Combine("eval", "qrels", "test.tsv"));
        var files = CorpusFiles.Manifest.Select(r => Path.GetFileName(r.File)).ToHashSet();
        Assert.All(qrels, r => Assert.Contains(r[1], files));
        Assert.All(qrels, r => Assert.Contains(r[2], new[] { "1", "2" }));
        Assert.All(queries, q => Assert.Contains(qrels, r => r[0] == q.Id && r[2] == "2"));
    }
}
