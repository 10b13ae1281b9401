using Search.Core.Ingestion;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Corpus;

/// <summary>The bundled corpus as the tests see it: manifest rows, documents read by the project's own readers, training passages.</summary>
internal static class CorpusFiles
{
    public sealed record ManifestRow(string File, string Format, string Kind, string Number, string Group, string Period, IReadOnlyList<string> Questions, IReadOnlyList<string> Topics, IReadOnlyList<string> Overlaps);

    public sealed record Passage(string Id, IReadOnlyList<string> Topics, string Text);

    private static readonly Lazy<IReadOnlyList<ManifestRow>> LazyManifest = new(LoadManifest);
    private static readonly Lazy<IReadOnlyDictionary<string, ExtractedText>> LazyTexts = new(ReadAll);

    public static IReadOnlyList<ManifestRow> Manifest => LazyManifest.Value;

    public static IReadOnlyDictionary<string, ExtractedText> Texts => LazyTexts.Value;

    public static IReadOnlyList<IReadOnlyList<string>> Table(string relative) =>
        File.ReadAllLines(Path.Combine(RepoPaths.Corpus, relative)).Skip(1).Where(l => l.Length > 0).Select(l => (IReadOnlyList<string>)l.Split('\t')).ToList();

    public static IReadOnlyList<Passage> Passages() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Corpus, "training"), "*.tsv").Order(StringComparer.Ordinal)
            .SelectMany(f => File.ReadAllLines(f).Skip(1).Where(l => l.Length > 0))
            .Select(l => l.Split('\t'))
            .Select(c => new Passage(c[0], c[1].Split(',', StringSplitOptions.RemoveEmptyEntries), c[2]))
            .ToList();

    private static List<ManifestRow> LoadManifest()
    {
        static IReadOnlyList<string> List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Table("manifest.tsv")
            .Select(c => new ManifestRow(c[0], c[1], c[2], c[3], c[4], c[5], List(c[6]), List(c[7]), List(c[8])))
            .ToList();
    }

    private static Dictionary<string, ExtractedText> ReadAll()
    {
        var options = TestOptions.Create();
        IDocumentReader[] readers = [new DocxReader(options), new TextFileReader(options), new PdfReader(options)];
        return Manifest.ToDictionary(
            r => r.File,
            r => readers.Single(x => x.Extensions.Contains(Path.GetExtension(r.File))).Read(Path.Combine(RepoPaths.Corpus, r.File), CancellationToken.None));
    }
}
