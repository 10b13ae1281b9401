using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace Search.Core.Indexing;

/// <summary>
/// The body's term vector for one document (terms with their positions and offsets), as snippets
/// and overlap evidence read it. Only long bodies keep a stored one (<see cref="DocumentMapper.TermVectorMinChars"/>):
/// writing term vectors was a quarter of an ingestion's CPU, and a short body is analysed again, when a
/// hit needs it, faster than its stored vector is decoded. Analysed again, the vector is the one the
/// index would have stored: the same text (the stored body with its boilerplate lines blanked), the
/// same analyzer, the same positions and offsets.
/// </summary>
public static class BodyTermVector
{
    /// <summary>
    /// The term vector of <paramref name="doc"/> (a document number of <paramref name="reader"/>): its
    /// stored one, or else <paramref name="body"/> and <paramref name="boilerplate"/> (its stored fields)
    /// analysed again. <paramref name="only"/>, when given, keeps only those terms of an analysed vector.
    /// </summary>
    public static Fields? Of(IndexReader reader, int doc, string? body, string? boilerplate, IReadOnlySet<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetTermVectors(doc) is { } stored && stored.GetTerms(IndexFields.Body) is not null
            ? stored
            : body is null ? null : Analyse(body, boilerplate, only);
    }

    /// <summary>The vector of a body as the index analyses it (boilerplate lines blanked, as they are indexed).</summary>
    public static Fields Analyse(string body, string? boilerplate, IReadOnlySet<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var text = boilerplate is null ? body : DocumentMapper.BlankBoilerplate(body, boilerplate);
        var occurrences = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        using (var stream = only is null ? IndexStore.IndexAnalyzer.GetTokenStream(IndexFields.Body, text) : Wanted(text, only))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            var increment = stream.AddAttribute<IPositionIncrementAttribute>();
            var offset = stream.AddAttribute<IOffsetAttribute>();
            stream.Reset();

            // As the indexing chain counts: a token's position is the sum of the increments so far, less one.
            var position = -1;
            while (stream.IncrementToken())
            {
                position += increment.PositionIncrement;
                var value = term.ToString();
                if (only is not null && !only.Contains(value))
                {
                    continue;
                }

                if (!occurrences.TryGetValue(value, out var list))
                {
                    occurrences[value] = list = [];
                }

                list.Add(position);
                list.Add(offset.StartOffset);
                list.Add(offset.EndOffset);
            }

            stream.End();
        }

        var terms = occurrences.Select(o => new AnalysedTerm(new BytesRef(o.Key), [.. o.Value])).ToArray();
        Array.Sort(terms, (a, b) => a.Bytes.CompareTo(b.Bytes));
        return new AnalysedFields(terms);
    }

    /// <summary>
    /// The index's analysis of <paramref name="text"/> for only the terms <paramref name="wanted"/>: a word
    /// of four letters or more keeps its first two letters through the Porter stemmer (it only changes
    /// endings, and only after a stem of two letters or more), so a word whose first two letters begin no
    /// wanted term is dropped before stop words and stemming, the costly part; the positions of the
    /// words kept are unchanged.
    /// </summary>
    private static TokenStream Wanted(string text, IReadOnlySet<string> wanted)
    {
        var source = new ItuTokenizer(new StringReader(text), stackShortForms: true);
        if (wanted.Any(w => w.Length < 2))
        {
            return ItuAnalyzer.Chain(source, null);
        }

        var starts = wanted.Select(w => (w[0] << 16) | w[1]).ToHashSet();
        return ItuAnalyzer.Chain(source, lowerCased => new StartsFilter(lowerCased, starts));
    }

    /// <summary>Drops words of four letters or more whose first two letters are not among <c>starts</c>.</summary>
    private sealed class StartsFilter : FilteringTokenFilter
    {
        private readonly ICharTermAttribute _term;
        private readonly HashSet<int> _starts;

        public StartsFilter(TokenStream input, HashSet<int> starts)
            : base(ItuAnalyzer.Version, input)
        {
            _term = AddAttribute<ICharTermAttribute>();
            _starts = starts;
        }

        protected override bool Accept() => _term.Length < 4 || _starts.Contains((_term.Buffer[0] << 16) | _term.Buffer[1]);
    }

    /// <summary>One term: its bytes and (position, start offset, end offset) for each occurrence.</summary>
    private sealed record AnalysedTerm(BytesRef Bytes, int[] Occurrences)
    {
        public int Freq => Occurrences.Length / 3;
    }

    private sealed class AnalysedFields(AnalysedTerm[] terms) : Fields
    {
        public override int Count => 1;

        public override IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)[IndexFields.Body]).GetEnumerator();

        public override Terms GetTerms(string field) => field == IndexFields.Body ? new AnalysedTerms(terms) : null!;
    }

    private sealed class AnalysedTerms(AnalysedTerm[] terms) : Terms
    {
        public override TermsEnum GetEnumerator() => new AnalysedTermsEnum(terms);

        public override IComparer<BytesRef> Comparer => BytesRef.UTF8SortedAsUnicodeComparer;

        public override long Count => terms.Length;

        public override long SumTotalTermFreq => terms.Sum(t => (long)t.Freq);

        public override long SumDocFreq => terms.Length;

        public override int DocCount => terms.Length == 0 ? 0 : 1;

        public override bool HasFreqs => true;

        public override bool HasOffsets => true;

        public override bool HasPositions => true;

        public override bool HasPayloads => false;
    }

    private sealed class AnalysedTermsEnum(AnalysedTerm[] terms) : TermsEnum
    {
        private int _at = -1;

        public override IComparer<BytesRef> Comparer => BytesRef.UTF8SortedAsUnicodeComparer;

        public override BytesRef Term => terms[_at].Bytes;

        public override long Ord => _at;

        public override int DocFreq => 1;

        public override long TotalTermFreq => terms[_at].Freq;

        public override bool MoveNext()
        {
            if (_at < terms.Length)
            {
                _at++;
            }

            return _at < terms.Length;
        }

        [Obsolete("Use MoveNext() and Term instead.")]
        public override BytesRef? Next() => MoveNext() ? Term : null;

        public override SeekStatus SeekCeil(BytesRef text)
        {
            var found = Array.BinarySearch(terms, new AnalysedTerm(text, []), Comparer<AnalysedTerm>.Create((a, b) => a.Bytes.CompareTo(b.Bytes)));
            if (found >= 0)
            {
                _at = found;
                return SeekStatus.FOUND;
            }

            _at = ~found;
            return _at < terms.Length ? SeekStatus.NOT_FOUND : SeekStatus.END;
        }

        public override void SeekExact(long ord) => _at = (int)ord;

        public override DocsEnum Docs(IBits? liveDocs, DocsEnum? reuse, DocsFlags flags) => new Occurrences(terms[_at], liveDocs);

        public override DocsAndPositionsEnum DocsAndPositions(IBits? liveDocs, DocsAndPositionsEnum? reuse, DocsAndPositionsFlags flags) => new Occurrences(terms[_at], liveDocs);
    }

    /// <summary>The one document (number 0) of a term vector, with the term's occurrences in it.</summary>
    private sealed class Occurrences(AnalysedTerm term, IBits? liveDocs) : DocsAndPositionsEnum
    {
        private int _doc = -1;
        private int _next;

        public override int DocID => _doc;

        public override int Freq => term.Freq;

        public override int StartOffset => term.Occurrences[_next - 2];

        public override int EndOffset => term.Occurrences[_next - 1];

        public override int NextDoc() => _doc = _doc == -1 && (liveDocs is null || liveDocs.Get(0)) ? 0 : NO_MORE_DOCS;

        public override int Advance(int target) => target <= 0 ? NextDoc() : _doc = NO_MORE_DOCS;

        public override int NextPosition()
        {
            var position = term.Occurrences[_next];
            _next += 3;
            return position;
        }

        public override BytesRef? GetPayload() => null;

        public override long GetCost() => 1;
    }
}
