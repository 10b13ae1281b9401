using System.Text.Json;

namespace Search.Core.Evaluation;

/// <summary>A document of a test collection.</summary>
public sealed record EvalDocument(string Id, string Title, string Text);

/// <summary>A query of a test collection, with its type when the collection gives one.</summary>
public sealed record EvalQuery(string Id, string Text, string? Type);

/// <summary>
/// A test collection in BEIR format: <c>corpus.jsonl</c> (optional: without it the documents are
/// those of the product index), <c>queries.jsonl</c>, <c>qrels/test.tsv</c> (graded: the score is the gain).
/// </summary>
public sealed record BeirDataset(
    string Name,
    IReadOnlyList<EvalDocument>? Corpus,
    IReadOnlyList<EvalQuery> Queries,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Qrels)
{
    public static BeirDataset Load(string folder, string queriesFile = "queries.jsonl", string qrelsFile = "test.tsv")
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"dataset folder not found: {folder}");
        }

        var corpusPath = Path.Combine(folder, "corpus.jsonl");
        List<EvalDocument>? corpus = null;
        if (File.Exists(corpusPath))
        {
            corpus = [];
            foreach (var (line, number) in File.ReadLines(corpusPath).Select((l, i) => (l, i + 1)).Where(p => p.l.Trim().Length > 0))
            {
                var e = Parse(line, corpusPath, number);
                corpus.Add(new EvalDocument(Text(e, "_id", corpusPath, number), e.TryGetProperty("title", out var t) ? t.GetString() ?? string.Empty : string.Empty, Text(e, "text", corpusPath, number)));
            }
        }

        var queriesPath = Path.Combine(folder, queriesFile);
        var qrelsPath = Path.Combine(folder, "qrels", qrelsFile);
        var qrels = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (line, number) in File.ReadLines(qrelsPath).Select((l, i) => (l, i + 1)).Skip(1).Where(p => p.l.Trim().Length > 0))
        {
            var cells = line.Split('\t');
            if (cells.Length < 3 || !int.TryParse(cells[2], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var score))
            {
                throw new FormatException($"{qrelsPath}, line {number}: expected query-id, corpus-id, score");
            }

            if (!qrels.TryGetValue(cells[0], out var judged))
            {
                qrels[cells[0]] = judged = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            judged[cells[1]] = score;
        }

        var queries = new List<EvalQuery>();
        foreach (var (line, number) in File.ReadLines(queriesPath).Select((l, i) => (l, i + 1)).Where(p => p.l.Trim().Length > 0))
        {
            var e = Parse(line, queriesPath, number);
            var id = Text(e, "_id", queriesPath, number);
            if (qrels.ContainsKey(id))
            {
                queries.Add(new EvalQuery(id, Text(e, "text", queriesPath, number), e.TryGetProperty("type", out var type) ? type.GetString() : null));
            }
        }

        return new BeirDataset(
            Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)),
            corpus,
            queries,
            qrels.ToDictionary(q => q.Key, q => (IReadOnlyDictionary<string, int>)q.Value, StringComparer.Ordinal));
    }

    private static JsonElement Parse(string line, string path, int number)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path}, line {number}: {ex.Message}", ex);
        }
    }

    private static string Text(JsonElement e, string property, string path, int number) =>
        e.TryGetProperty(property, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.ToString()
        : throw new FormatException($"{path}, line {number}: no '{property}'");
}
