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

    /// <summary>What a contact block or a header table line carries: an e-mail address, a telephone or fax number, a header label.</summary>
    [GeneratedRegex(@"[\w.+-]+@[\w-]+\.[\w.-]+|\b(?:Tel|Fax|Phone|Mobile|E-?mail)\s*[.:]|\+\d{1,3}[\s\d]{6,}|(?:^|\s)(?:Contact|Source|Purpose|Keywords|Question\(s\)|Questions?|Place and date|Original|Study period|Title|From|To|For action|For comment|For information|Approval|Deadline|Attachments?)\s*:", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex HeaderOrContact();

    /// <summary>A banner line in capitals (<c>INTERNATIONAL TELECOMMUNICATION UNION</c>, <c>CONTRIBUTION</c>).</summary>
    [GeneratedRegex(@"^[\p{Lu}\d\s\-–,.()/]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Banner();

    /// <summary>Whether a fragment or line shows a contact block or header rather than body text.</summary>
    public static bool IsHeaderOrContact(string text) => text is not null && HeaderOrContact().IsMatch(Unmarked(text));

    /// <summary>
    /// The body text of a document's content lines: the header table (labelled lines such as
    /// <c>Source:</c> or <c>Contact:</c> with their indented continuations), banner lines in capitals
    /// and lines with e-mail addresses or telephone numbers are left out, and so are lines shorter
    /// than <paramref name="minLength"/>.
    /// </summary>
    public static IEnumerable<string> BodyLines(IEnumerable<string> lines, int minLength = 30)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var inHeaderField = false;
        foreach (var line in lines)
        {
            var continuation = line.Length > 0 && char.IsWhiteSpace(line[0]);
            if (IsHeaderOrContact(line))
            {
                inHeaderField = true;
                continue;
            }

            if (continuation && inHeaderField)
            {
                continue;
            }

            inHeaderField = false;
            var trimmed = line.Trim();
            if (trimmed.Length < minLength || Banner().IsMatch(Unmarked(trimmed)))
            {
                continue;
            }

            yield return trimmed;
        }
    }

    private static string Unmarked(string fragment) => System.Net.WebUtility.HtmlDecode(fragment.Replace("<mark>", string.Empty, StringComparison.Ordinal).Replace("</mark>", string.Empty, StringComparison.Ordinal));

    /// <summary>
    /// The best fragments of document <paramref name="docId"/>, or the start of the text <paramref name="fallback"/> gives when nothing matches.
    /// <paramref name="storedText"/> is the field's stored text when the caller has already read it (the
    /// document is then not read again: reading a stored document decompresses all of it).
    /// </summary>
    public string Build(int docId, Func<string?> fallback, string? storedText = null)
    {
        if (_fieldQuery is not null)
        {
            // More fragments than shown: the lines of a contact block or header are cut out of each, and
            // a fragment left without a match is dropped.
            var builder = storedText is null ? new ScoreOrderFragmentsBuilder() : new GivenTextFragmentsBuilder(_field, storedText);
            // The hit's own segment: the highlighter weighs each matched term by its document frequency,
            // which through the whole index is a look-up in every segment.
            var leaves = _reader.Leaves;
            var leaf = leaves[ReaderUtil.SubIndex(docId, leaves)];
            var fragments = _highlighter.GetBestFragments(_fieldQuery, leaf.AtomicReader, docId - leaf.DocBase, _field, FragmentSize, 6,
                new SimpleFragListBuilder(), builder, PreTags, PostTags, new SimpleHTMLEncoder());
            var joined = string.Join(" … ", (fragments ?? [])
                .Select(f => Whitespace().Replace(string.Join(' ', BodyLines(f.Split('\n'), minLength: 1)), " ").Trim())
                .Where(f => f.Contains("<mark>", StringComparison.Ordinal)).Take(2));
            if (joined.Length > 0)
            {
                return AdjacentMarks().Replace(joined, " ");
            }
        }

        return Plain(fallback());
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

    /// <summary>Fragments cut from text the caller read already, instead of reading the stored document again.</summary>
    private sealed class GivenTextFragmentsBuilder(string field, string text) : ScoreOrderFragmentsBuilder
    {
        protected override Lucene.Net.Documents.Field[] GetFields(IndexReader reader, int docId, string fieldName) =>
            fieldName == field ? [new Lucene.Net.Documents.TextField(field, text, Lucene.Net.Documents.Field.Store.YES)] : base.GetFields(reader, docId, fieldName);
    }
}
