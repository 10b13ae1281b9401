using System.Text.RegularExpressions;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Search.Core.Indexing;

namespace Search.Core.Querying;

/// <summary>
/// Builds highlighted snippets: the best fragments of the body for the query, HTML-escaped, with
/// matches in <c>&lt;mark&gt;</c>. Adjacent marks are joined so that a matched phrase is highlighted
/// as a whole (<c>&lt;mark&gt;counterfeit devices&lt;/mark&gt;</c>) rather than word by word.
/// </summary>
public static partial class Snippets
{
    private const int FragmentSize = 220;

    [GeneratedRegex(@"</mark>(\s+)<mark>", RegexOptions.CultureInvariant)]
    private static partial Regex AdjacentMarks();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    public static string Build(Query query, string field, string? text, string? fallback)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!string.IsNullOrEmpty(text) && query is not MatchAllDocsQuery)
        {
            var scorer = new QueryScorer(query, field);
            var highlighter = new Highlighter(new SimpleHTMLFormatter("<mark>", "</mark>"), new SimpleHTMLEncoder(), scorer)
            {
                TextFragmenter = new SimpleSpanFragmenter(scorer, FragmentSize),
                MaxDocCharsToAnalyze = 200_000,
            };
            using var tokens = IndexStore.QueryAnalyzer.GetTokenStream(field, text);
            var fragments = highlighter.GetBestFragments(tokens, text, 2);
            var joined = string.Join(" … ", fragments.Where(f => f.Contains("<mark>", StringComparison.Ordinal)).Select(Tidy));
            if (joined.Length > 0)
            {
                return AdjacentMarks().Replace(joined, " ");
            }
        }

        var plain = fallback ?? text ?? string.Empty;
        plain = Whitespace().Replace(plain, " ").Trim();
        if (plain.Length > FragmentSize)
        {
            var cut = plain.LastIndexOf(' ', FragmentSize);
            plain = plain[..(cut > 0 ? cut : FragmentSize)] + " …";
        }

        return System.Net.WebUtility.HtmlEncode(plain);
    }

    private static string Tidy(string fragment) => Whitespace().Replace(fragment, " ").Trim();
}
