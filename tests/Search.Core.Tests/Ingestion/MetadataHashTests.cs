using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Tests.Corpus;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Ingestion;

/// <summary>
/// Metadata extraction gives, field for field, what it gave before it was made faster: the hash of
/// each document's metadata JSON is the one recorded in <c>MetadataHashes/</c> (from the extractor as
/// of commit aaece3c), on the bundled corpus and, where present, on <c>../shared/real-itu</c>. A change
/// of extraction that is meant replaces the lines the failure message gives.
/// </summary>
public sealed class MetadataHashTests
{
    [Fact]
    public void BundledCorpus_GivesTheRecordedMetadata()
    {
        var actual = CorpusFiles.Texts.ToDictionary(t => t.Key, t => MetadataExtractor.Extract(t.Value, t.Key));
        AssertRecorded("corpus.tsv", actual);
    }

    [SharedFact("real-itu")]
    public void RealItu_GivesTheRecordedMetadata()
    {
        var root = Path.Combine(RepoPaths.Shared, "real-itu");
        var options = TestOptions.Create();
        IDocumentReader[] readers = [new DocxReader(options), new TextFileReader(options), new PdfReader(options)];
        var actual = new Dictionary<string, DocumentMetadata>();
        foreach (var path in Directory.GetFiles(root, "*", SearchOption.AllDirectories))
        {
            var file = Path.GetRelativePath(root, path).Replace('\\', '/');
            var reader = readers.FirstOrDefault(r => r.Extensions.Contains(Path.GetExtension(file).ToLowerInvariant()));
            if (reader is not null)
            {
                actual[file] = MetadataExtractor.Extract(reader.Read(path, CancellationToken.None), file);
            }
        }

        AssertRecorded("real-itu.tsv", actual);
    }

    private static void AssertRecorded(string table, Dictionary<string, DocumentMetadata> actual)
    {
        var recorded = File.ReadAllLines(Path.Combine(RepoPaths.Root, "tests", "Search.Core.Tests", "Ingestion", "MetadataHashes", table))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .ToDictionary(c => c[0], c => c[1], StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (file, metadata) in actual.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var json = JsonSerializer.Serialize(metadata, DocumentMapper.Json);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
            if (!recorded.TryGetValue(file, out var expected) || expected != hash)
            {
                problems.Add($"{file}\t{hash}\n  now: {json}");
            }
        }

        problems.AddRange(recorded.Keys.Where(k => !actual.ContainsKey(k)).Select(k => $"{k}: recorded, not read"));
        Assert.True(problems.Count == 0, $"{problems.Count} of {actual.Count} documents differ from {table}:\n{string.Join('\n', problems)}");
        Assert.NotEmpty(actual);
    }
}
