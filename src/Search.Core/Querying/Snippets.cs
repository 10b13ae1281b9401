using System.Text.RegularExpressions;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Search.VectorHighlight;
using Lucene.Net.Util;
using Search.Core.Indexing;

namespace Search.Core.Querying;

/// <summary>
/// Builds highlighted snippets for one query: the best fragments of a field, read from its term
/// vector (stored for long bodies, else the body analysed again: <see cref="BodyTermVector"/>), HTML-escaped, with
/// matches in <c>&lt;mark&gt;</c>. A matched phrase is one highlight (<c>&lt;mark&gt;counterfeit
/// devices&lt;/mark&gt;</c>), not one per word; adjacent marks are joined too.
/// </summary>
public sealed partial class Snippets
{
    private const int FragmentSize = 220;
    private static readonly string[] PreTags = ["<mark>"];
    private static readonly string[] PostTags = ["</mark>"];

    private static readonly HtmlEncoder Encoder = new();

    private readonly FastVectorHighlighter _highlighter = new(phraseHighlight: true, fieldMatch: true);
    private readonly FieldQuery? _fieldQuery;
    private readonly IndexReader _reader;
    private readonly string _field;
    private readonly BytesRef[]? _terms;
    private readonly Dictionary<object, HitTermsReader> _leaves = [];

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
            _terms = TermsOf(query, field);
        }
    }

    /// <summary>
    /// The query's terms in <paramref name="field"/>, in index order; null when they cannot all be named
    /// (an expanding query: prefix, wildcard, fuzzy, range), and the highlighter then reads every term of the hit.
    /// </summary>
    private static BytesRef[]? TermsOf(Query query, string field)
    {
        if (!OnlyNamedTerms(query))
        {
            return null;
        }

        var terms = new HashSet<Term>();
        query.ExtractTerms(terms);
        return terms.Where(t => t.Field == field).Select(t => t.Bytes).Distinct().Order(Comparer<BytesRef>.Create((a, b) => a.CompareTo(b))).ToArray();
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
    public static bool IsHeaderOrContact(string text) => text is not null && !CannotBeHeaderOrContact(text) && HeaderOrContact().IsMatch(Unmarked(text));

    /// <summary>
    /// A quick no: every alternative of <see cref="HeaderOrContact"/> needs an <c>@</c>, a <c>:</c>, a
    /// <c>+</c> or one of the telephone words, and an escaped text (with <c>&amp;</c>) is left to the
    /// full check. Body paragraphs are long, and the expression tries an e-mail address at every letter.
    /// </summary>
    private static bool CannotBeHeaderOrContact(string text)
    {
        var span = text.AsSpan();
        return span.IndexOfAny("@:+&") < 0
            && span.IndexOf("tel", StringComparison.OrdinalIgnoreCase) < 0
            && span.IndexOf("fax", StringComparison.OrdinalIgnoreCase) < 0
            && span.IndexOf("phone", StringComparison.OrdinalIgnoreCase) < 0
            && span.IndexOf("mobile", StringComparison.OrdinalIgnoreCase) < 0
            && span.IndexOf("mail", StringComparison.OrdinalIgnoreCase) < 0;
    }

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
    /// <paramref name="storedText"/> and <paramref name="boilerplate"/> are the field's stored text and the
    /// document's boilerplate ranges when the caller has already read them (the document is then not read
    /// again: reading a stored document decompresses all of it).
    /// </summary>
    public string Build(int docId, Func<string?> fallback, string? storedText = null, string? boilerplate = null)
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
            if (!_leaves.TryGetValue(leaf.AtomicReader.CoreCacheKey, out var hitReader))
            {
                hitReader = new HitTermsReader(leaf.AtomicReader, _field, _terms);
                _leaves[leaf.AtomicReader.CoreCacheKey] = hitReader;
            }

            var local = docId - leaf.DocBase;
            hitReader.Show(local, storedText, boilerplate, storedText is not null);
            var fragments = _highlighter.GetBestFragments(_fieldQuery, hitReader, local, _field, FragmentSize, 6,
                new SimpleFragListBuilder(), builder, PreTags, PostTags, Encoder);
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

    /// <summary>Whether every term of <paramref name="query"/> is named in it (no prefix, wildcard, fuzzy, range or regular expression to expand).</summary>
    private static bool OnlyNamedTerms(Query query) => query switch
    {
        BooleanQuery boolean => boolean.Clauses.All(c => OnlyNamedTerms(c.Query)),
        TermQuery or PhraseQuery => true,
        _ => false,
    };

    /// <summary>
    /// A segment as the highlighter sees it for one hit: the hit's term vector is its stored one or, for a
    /// body short enough to have none, the body analysed again (<see cref="BodyTermVector"/>); either holds,
    /// in <c>field</c>, only the query's terms when they are named (<c>terms</c> not null). The rest reads
    /// through. Not a <see cref="FilterAtomicReader"/>, which registers itself with the segment for the
    /// life of the segment; this one lives for one search.
    /// </summary>
    private sealed class HitTermsReader(AtomicReader inner, string field, BytesRef[]? terms) : AtomicReader
    {
        // The highlighter weighs each matched term by its document frequency, asked once per hit: answered
        // once per search.
        private readonly Dictionary<(string, BytesRef), int> _docFreqs = [];
        private readonly HashSet<string>? _termTexts = terms?.Select(t => t.Utf8ToString()).ToHashSet(StringComparer.Ordinal);
        private int _doc = -1;
        private string? _body;
        private string? _boilerplate;
        private bool _read;

        /// <summary>The hit about to be highlighted, with its stored body and boilerplate when the caller read them (<paramref name="read"/>).</summary>
        public void Show(int doc, string? body, string? boilerplate, bool read)
        {
            _doc = doc;
            _body = body;
            _boilerplate = boilerplate;
            _read = read;
        }

        public override Fields Fields => new CountedFields(inner.Fields, _docFreqs);

        public override FieldInfos FieldInfos => inner.FieldInfos;

        public override IBits LiveDocs => inner.LiveDocs;

        public override int NumDocs => inner.NumDocs;

        public override int MaxDoc => inner.MaxDoc;

        public override Fields? GetTermVectors(int docID)
        {
            var vectors = inner.GetTermVectors(docID);
            if (vectors?.GetTerms(field) is null && field == IndexFields.Body && docID == _doc)
            {
                if (!_read)
                {
                    var stored = inner.Document(docID);
                    (_body, _boilerplate, _read) = (stored.Get(IndexFields.Body), stored.Get(IndexFields.Boilerplate), true);
                }

                // Analysed again: only the query's terms are kept, when they are named.
                return _body is null ? null : BodyTermVector.Analyse(_body, _boilerplate, _termTexts);
            }

            return vectors is null || terms is null ? vectors : new OnlyFields(vectors, field, terms);
        }

        public override NumericDocValues GetNumericDocValues(string field) => inner.GetNumericDocValues(field);

        public override BinaryDocValues GetBinaryDocValues(string field) => inner.GetBinaryDocValues(field);

        public override SortedDocValues GetSortedDocValues(string field) => inner.GetSortedDocValues(field);

        public override SortedSetDocValues GetSortedSetDocValues(string field) => inner.GetSortedSetDocValues(field);

        public override IBits GetDocsWithField(string field) => inner.GetDocsWithField(field);

        public override NumericDocValues GetNormValues(string field) => inner.GetNormValues(field);

        public override void CheckIntegrity() => inner.CheckIntegrity();

        public override void Document(int docID, StoredFieldVisitor visitor) => inner.Document(docID, visitor);

        protected override void DoClose()
        {
            // The segment belongs to its searcher.
        }

        private sealed class CountedFields(Fields inner, Dictionary<(string, BytesRef), int> docFreqs) : FilterAtomicReader.FilterFields(inner)
        {
            public override Terms GetTerms(string name)
            {
                var found = m_input.GetTerms(name);
                return found is null ? null! : new CountedTerms(found, name, docFreqs);
            }
        }

        private sealed class CountedTerms(Terms inner, string field, Dictionary<(string, BytesRef), int> docFreqs) : FilterAtomicReader.FilterTerms(inner)
        {
            public override TermsEnum GetEnumerator() => new CountedTermsEnum(m_input.GetEnumerator(), field, docFreqs);

            public override TermsEnum GetEnumerator(TermsEnum? reuse) => GetEnumerator();
        }

        /// <summary>A terms enumeration whose exact seeks and document frequencies are remembered (it is only ever asked for those).</summary>
        private sealed class CountedTermsEnum(TermsEnum inner, string field, Dictionary<(string, BytesRef), int> docFreqs) : FilterAtomicReader.FilterTermsEnum(inner)
        {
            private int _docFreq;
            private BytesRef? _unpositioned; // a remembered seek: the enumeration itself is not there yet

            public override bool SeekExact(BytesRef text)
            {
                _unpositioned = null;
                if (docFreqs.TryGetValue((field, text), out _docFreq))
                {
                    _unpositioned = BytesRef.DeepCopyOf(text);
                }
                else
                {
                    _docFreq = m_input.SeekExact(text) ? m_input.DocFreq : 0;
                    docFreqs[(field, BytesRef.DeepCopyOf(text))] = _docFreq;
                }

                return _docFreq > 0;
            }

            public override int DocFreq => _docFreq;

            public override BytesRef Term => Positioned().Term;

            public override DocsEnum Docs(IBits? liveDocs, DocsEnum? reuse, DocsFlags flags) => Positioned().Docs(liveDocs, reuse, flags);

            public override DocsAndPositionsEnum DocsAndPositions(IBits? liveDocs, DocsAndPositionsEnum? reuse, DocsAndPositionsFlags flags) =>
                Positioned().DocsAndPositions(liveDocs, reuse, flags);

            private TermsEnum Positioned()
            {
                if (_unpositioned is not null)
                {
                    m_input.SeekExact(_unpositioned);
                    _unpositioned = null;
                }

                return m_input;
            }
        }

        private sealed class OnlyFields(Fields inner, string field, BytesRef[] terms) : FilterAtomicReader.FilterFields(inner)
        {
            public override Terms GetTerms(string name)
            {
                var found = m_input.GetTerms(name);
                return name == field && found is not null ? new OnlyTerms(found, terms) : found!;
            }
        }

        private sealed class OnlyTerms(Terms inner, BytesRef[] terms) : FilterAtomicReader.FilterTerms(inner)
        {
            public override TermsEnum GetEnumerator() => new OnlyTermsEnum(m_input.GetEnumerator(), terms);

            public override TermsEnum GetEnumerator(TermsEnum? reuse) => GetEnumerator();
        }

        private sealed class OnlyTermsEnum(TermsEnum inner, BytesRef[] terms) : FilterAtomicReader.FilterTermsEnum(inner)
        {
            private int _next;

            public override bool MoveNext()
            {
                while (_next < terms.Length)
                {
                    if (m_input.SeekExact(terms[_next++]))
                    {
                        return true;
                    }
                }

                return false;
            }

            [Obsolete("Use MoveNext() and Term instead.")]
            public override BytesRef? Next() => MoveNext() ? m_input.Term : null;
        }
    }

    /// <summary>
    /// Lucene's <see cref="SimpleHTMLEncoder"/> (<c>"</c>, <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>, <c>'</c>,
    /// <c>/</c> and every character past ASCII as an entity), which builds a new string for each piece of a fragment: a piece
    /// with nothing to encode, the usual case, is given back as it is.
    /// </summary>
    internal sealed class HtmlEncoder : IEncoder
    {
        public string EncodeText(string originalText)
        {
            if (string.IsNullOrEmpty(originalText))
            {
                return string.Empty;
            }

            return originalText.AsSpan().ContainsAnyExcept(PlainAscii) ? SimpleHTMLEncoder.HtmlEncode(originalText) : originalText;
        }

        /// <summary>The characters the encoder leaves as they are: ASCII but the six it escapes.</summary>
        private static readonly System.Buffers.SearchValues<char> PlainAscii = System.Buffers.SearchValues.Create(
            new string(Enumerable.Range(0, 128).Select(c => (char)c).Where(c => c is not ('"' or '&' or '<' or '>' or '\'' or '/')).ToArray()));
    }

    /// <summary>Fragments cut from text the caller read already, instead of reading the stored document again.</summary>
    private sealed class GivenTextFragmentsBuilder(string field, string text) : ScoreOrderFragmentsBuilder
    {
        protected override Lucene.Net.Documents.Field[] GetFields(IndexReader reader, int docId, string fieldName) =>
            fieldName == field ? [new Lucene.Net.Documents.TextField(field, text, Lucene.Net.Documents.Field.Store.YES)] : base.GetFields(reader, docId, fieldName);
    }
}
