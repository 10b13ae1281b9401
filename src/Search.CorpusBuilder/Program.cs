using System.Text;
using Search.CorpusBuilder;

// Builds corpus/documents and corpus/manifest.tsv from corpus/authored (see corpus/AUTHORING.md).
// Usage: dotnet run --project src/Search.CorpusBuilder [-- CORPUS_DIR]
var corpus = args.Length > 0 ? args[0] : Path.Combine(Directory.GetCurrentDirectory(), "corpus");
var authored = Path.Combine(corpus, "authored");
var output = Path.Combine(corpus, "documents");
if (!Directory.Exists(authored))
{
    Console.Error.WriteLine($"error: no folder {authored} (run from the repository top, or pass the corpus folder)");
    return 2;
}

Directory.CreateDirectory(output);
// Document sources are named by ITU number (SG17-C0123.md); other .md files (PLAN.md, OVERLAP-AUDIT.md) are notes.
var docs = Directory.GetFiles(authored, "*.md").Where(f => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(f), @"^(SG\d+|TSAG)-"))
    .Order(StringComparer.Ordinal).Select(AuthoredDocument.Parse).ToList();
var expected = new HashSet<string>(StringComparer.Ordinal);
foreach (var doc in docs)
{
    var file = Path.Combine(output, $"{doc.Stem}.{doc.Format}");
    expected.Add(Path.GetFileName(file));
    switch (doc.Format)
    {
        case "docx":
            DocxWriter.Write(doc, file);
            break;
        case "pdf":
            PdfWriter.Write(doc, file);
            break;
        default:
            TxtWriter.Write(doc, file);
            break;
    }
}

foreach (var stale in Directory.GetFiles(output).Where(f => !expected.Contains(Path.GetFileName(f))))
{
    File.Delete(stale);
}

var manifest = new StringBuilder("file\tformat\tkind\tnumber\tgroup\tstudy_period\tquestions\ttopics\toverlaps\ttitle\n");
foreach (var doc in docs)
{
    var questions = string.Join(',', (doc.Field("Question(s)") ?? string.Empty)
        .Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(q => q.Contains('/', StringComparison.Ordinal) && char.IsDigit(q[0]))
        .Select(q => "Q" + q));
    manifest.Append(string.Join('\t',
        $"documents/{doc.Stem}.{doc.Format}", doc.Format, doc.Kind, doc.Field("Number") ?? string.Empty, doc.Group,
        doc.Field("Study period") ?? string.Empty, questions, string.Join(',', doc.Topics), string.Join(',', doc.Overlaps),
        (doc.Field("Title") ?? string.Empty).Replace('\t', ' '))).Append('\n');
}

File.WriteAllText(Path.Combine(corpus, "manifest.tsv"), manifest.ToString(), new UTF8Encoding(false));

// Planted cross-group overlaps: each cluster with its subject and members; pairs from different groups are the planted pairs.
var subjects = File.ReadAllLines(Path.Combine(authored, "overlaps.tsv")).Skip(1).Where(l => l.Length > 0)
    .Select(l => l.Split('\t')).ToDictionary(p => p[0], p => p[1]);
var overlaps = new StringBuilder("cluster\tsubject\tgroups\tfiles\n");
foreach (var (cluster, subject) in subjects)
{
    var members = docs.Where(d => d.Overlaps.Contains(cluster)).ToList();
    var groups = members.Select(m => m.Group).Distinct().ToList();
    if (groups.Count < 2)
    {
        Console.Error.WriteLine($"error: overlap cluster '{cluster}' has documents from fewer than two groups");
        return 1;
    }

    overlaps.Append($"{cluster}\t{subject}\t{string.Join(',', groups)}\t{string.Join(',', members.Select(m => $"documents/{m.Stem}.{m.Format}"))}\n");
}

var unknown = docs.SelectMany(d => d.Overlaps).Where(o => !subjects.ContainsKey(o)).Distinct().ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"error: unknown overlap clusters: {string.Join(", ", unknown)}");
    return 1;
}

File.WriteAllText(Path.Combine(corpus, "overlaps.tsv"), overlaps.ToString(), new UTF8Encoding(false));
Console.WriteLine($"wrote {docs.Count} documents to {output} and {Path.Combine(corpus, "manifest.tsv")}");
return 0;
