using System.Text.RegularExpressions;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Search.VectorHighlight;

namespace Search.Core.Querying;

/// <summary>
/// Builds highlighted snippets for one query: the best fragments of a field, read from its term
/// vectors (positions and offsets are stored, so the text is not analysed again), HTML-escaped, with
/// matches in <c>&lt;mark&gt;</c>. A matched phrase is one highlight (<c>&lt;mark&gt;counterfeit
/// devices&lt;/mark&gt;</c>), not one per word; adjacent marks are joined too.
/// </summary>
public sealed partial class Snippets
{
    private const int FragmentSize = 220;
    private static readonly string[] PreTags = ["<mark>"];
    private static readonly string[] PostTags = ["</mark>"];

    private readonly FastVectorHighlighter _highlighter = new(phraseHighlight: true, fieldMatch: true);
    private readonly FieldQuery? _fieldQuery;
    private readonly IndexReader _reader;
    private readonly string _field;

    /// <param name="query">The text query (not the filters); null when there is nothing to highlight.</param>
    public Snippets(Query? query, IndexReader reader, string field)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(field);
        _reader = reader;
        _field = field;
        if (query is not null and not MatchAllDocsQuery)
        {
            _fieldQuery = _highlighter.GetFieldQuery(query, reader);
        }
    }

    [GeneratedRegex(@"</mark>(\s+)<mark>", RegexOptions.CultureInvariant)]
    private static partial Regex AdjacentMarks();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    /// <summary>The best fragments of document <paramref name="docId"/>, or the start of <paramref name="fallback"/> when nothing matches.</summary>
    public string Build(int docId, string? fallback)
    {
        if (_fieldQuery is not null)
        {
            var fragments = _highlighter.GetBestFragments(_fieldQuery, _reader, docId, _field, FragmentSize, 2,
                new SimpleFragListBuilder(), new ScoreOrderFragmentsBuilder(), PreTags, PostTags, new SimpleHTMLEncoder());
            var joined = string.Join(" … ", (fragments ?? []).Select(f => Whitespace().Replace(f, " ").Trim()).Where(f => f.Length > 0));
            if (joined.Length > 0)
            {
                return AdjacentMarks().Replace(joined, " ");
            }
        }

        return Plain(fallback);
    }

    /// <summary>The start of a text as a snippet without highlights (HTML-escaped).</summary>
    public static string Plain(string? text)
    {
        var plain = Whitespace().Replace(text ?? string.Empty, " ").Trim();
        if (plain.Length > FragmentSize)
        {
            var cut = plain.LastIndexOf(' ', FragmentSize);
            plain = plain[..(cut > 0 ? cut : FragmentSize)] + " …";
        }

        return System.Net.WebUtility.HtmlEncode(plain);
    }
}
