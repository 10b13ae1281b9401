using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Search.Host.Cli;

/// <summary>One query of a benchmark: the text the product is sent, and how many terms it has.</summary>
internal sealed record BenchQuery(string Id, string Text, int Terms);

/// <summary>
/// The queries of <c>search bench</c>, built as the scale kit builds them for its peers
/// (<c>../shared/bench/scale_common.py</c>, <c>query_terms</c>), so that the product runs the same OR
/// queries as SQLite FTS5 and Xapian: the lower-cased <c>\w+</c> tokens of a <c>queries.jsonl</c> claim,
/// minus Lucene's 33 English stop words, de-duplicated in first-seen order, joined by spaces (the
/// product's default operator is OR). A plain text file (one query per line) is run as typed.
/// </summary>
internal static partial class BenchQueries
{
    /// <summary>Lucene's classic English stop set (StopAnalyzer.ENGLISH_STOP_WORDS_SET), as in the kit.</summary>
    public static readonly FrozenSet<string> StopWords =
        "a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with"
            .Split(' ').ToFrozenSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\w+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    /// <summary>The kit's <c>query_terms</c>: lower-cased word tokens minus the stop set, de-duplicated in order.</summary>
    public static IReadOnlyList<string> QueryTerms(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var terms = new List<string>();
        foreach (Match m in Word().Matches(text.ToLowerInvariant()))
        {
            if (!StopWords.Contains(m.Value) && seen.Add(m.Value))
            {
                terms.Add(m.Value);
            }
        }

        return terms;
    }

    /// <summary>
    /// Reads <paramref name="path"/>: a <c>.jsonl</c> of <c>{"_id","text"}</c> objects (a claim without a
    /// term left is skipped, as the kit does), else one query per non-empty line. At most
    /// <paramref name="max"/> queries when it is above 0.
    /// </summary>
    public static IReadOnlyList<BenchQuery> Load(string path, int max)
    {
        var jsonl = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        var queries = new List<BenchQuery>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (jsonl)
            {
                var (id, text) = ReadClaim(path, number, line);
                var terms = QueryTerms(text);
                if (terms.Count > 0)
                {
                    queries.Add(new BenchQuery(id, string.Join(' ', terms), terms.Count));
                }
            }
            else
            {
                queries.Add(new BenchQuery(number.ToString(CultureInfo.InvariantCulture), line.Trim(), QueryTerms(line).Count));
            }

            if (max > 0 && queries.Count >= max)
            {
                break;
            }
        }

        return queries;
    }

    /// <summary>The queries as given on the command line or in code (the built-in set): run as typed.</summary>
    public static IReadOnlyList<BenchQuery> Typed(IEnumerable<string> texts, int max) =>
        texts.Select((t, i) => new BenchQuery((i + 1).ToString(CultureInfo.InvariantCulture), t, QueryTerms(t).Count))
            .Take(max > 0 ? max : int.MaxValue).ToList();

    private static (string Id, string Text) ReadClaim(string path, int number, string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var text = root.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : throw new JsonException("no \"text\" string");
            var id = root.TryGetProperty("_id", out var i) ? i.ToString() : number.ToString(CultureInfo.InvariantCulture);
            return (id, text);
        }
        catch (JsonException ex)
        {
            throw new CliException($"{path}, line {number}: not a query object ({ex.Message})");
        }
    }
}
