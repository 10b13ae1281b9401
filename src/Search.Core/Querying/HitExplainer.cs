using System.Globalization;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Search.Core.Indexing;

namespace Search.Core.Querying;

/// <summary>
/// Says in plain words why a hit is in the results ("why this result"): which words of the query it
/// matches and where (keyword rank), which corrected or completed words it matches, how close it is in
/// meaning (similarity and rank), and which identifier of the query it carries exactly.
/// </summary>
public sealed class HitExplainer
{
    private static readonly (string Field, string Name)[] Places =
    [
        (IndexFields.Title, "title"), (IndexFields.Abstract, "abstract"), (IndexFields.Keywords, "keywords"),
        (IndexFields.Number, "number"), (IndexFields.Source, "source"), (IndexFields.Body, "text"),
        (IndexFields.References, "references"),
    ];

    private readonly IndexReader _reader;
    private readonly IBits? _live;
    private readonly List<(string Surface, string Term, bool Identifier)> _terms = [];
    private readonly List<(string Typed, string Word, string Term, bool Completion)> _expansions = [];

    public HitExplainer(IndexReader reader, string query, TypoResult typos)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(typos);
        _reader = reader;
        _live = MultiFields.GetLiveDocs(reader);
        foreach (var token in Analyze(query))
        {
            if (!_terms.Any(t => t.Term == token.Term))
            {
                _terms.Add(token);
            }
        }

        foreach (var e in typos.Expansions)
        {
            foreach (var word in e.Words)
            {
                foreach (var t in Analyze(word))
                {
                    _expansions.Add((e.Typed, word, t.Term, e.Completion));
                }
            }
        }
    }

    /// <summary>The reasons for document <paramref name="doc"/> with these <paramref name="scores"/>; <paramref name="browse"/> when there is no query.</summary>
    public IReadOnlyList<string> Explain(int doc, HitScores scores, bool browse)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (browse)
        {
            return ["no query: listed because it matches the filters"];
        }

        var why = new List<string>();
        if (scores.Keyword is not null && (scores.KeywordRank?.ToString(CultureInfo.InvariantCulture) ?? (scores.KeywordRankOver is { } over ? string.Create(CultureInfo.InvariantCulture, $"below the first {over:N0}") : null)) is { } rank)
        {
            var matched = _terms.Where(t => !t.Identifier).Select(t => (t.Surface, Places: PlacesOf(doc, t.Term))).Where(m => m.Places.Count > 0).ToList();
            if (matched.Count > 0)
            {
                var groups = matched.GroupBy(m => Join(m.Places)).Select(g => $"{string.Join(", ", g.Select(m => $"'{m.Surface}'"))} in the {g.Key}");
                why.Add(string.Create(CultureInfo.InvariantCulture, $"matches {string.Join("; ", groups)} (keyword rank {rank})"));
            }

            foreach (var e in _expansions.Where(e => PlacesOf(doc, e.Term).Count > 0).GroupBy(e => e.Typed))
            {
                var words = string.Join(", ", e.Select(x => $"'{x.Word}'").Distinct().Take(3));
                why.Add(e.First().Completion
                    ? $"matches {words}, completing '{e.Key}' (search as you type, ranked below exact matches)"
                    : $"matches {words}, close to '{e.Key}' (typo tolerance, ranked below exact matches)");
            }

            if (why.Count == 0)
            {
                why.Add(string.Create(CultureInfo.InvariantCulture, $"matches the query (keyword rank {rank})"));
            }
        }

        if (scores.Semantic is { } similarity)
        {
            why.Add(similarity >= Semantic.SimilarityThreshold.Default
                ? string.Create(CultureInfo.InvariantCulture, $"close in meaning (similarity {similarity:0.00}, rank {scores.SemanticRank})")
                : string.Create(CultureInfo.InvariantCulture, $"not close in meaning (similarity {similarity:0.00}, below the {Semantic.SimilarityThreshold.Default:0.00} that counts as a match)"));
        }

        if (scores.IdentifierMatch)
        {
            foreach (var id in _terms.Where(t => t.Identifier && PlacesOf(doc, t.Term).Count > 0))
            {
                why.Add($"exact identifier {id.Surface}");
            }
        }

        return why;
    }

    /// <summary>
    /// Documents that are the only match of a word of the query (a rare name, a unique marker word):
    /// hybrid search keeps them on the first page, however similar other documents are.
    /// </summary>
    public IReadOnlyList<int> SoleMatches()
    {
        var result = new List<int>();
        foreach (var (_, term, identifier) in _terms)
        {
            if (identifier)
            {
                continue;
            }

            var docs = new HashSet<int>();
            foreach (var field in IndexFields.SearchedFields.Keys)
            {
                var postings = MultiFields.GetTermDocsEnum(_reader, _live, field, new BytesRef(term));
                while (postings is not null && docs.Count < 2 && postings.NextDoc() != Lucene.Net.Search.DocIdSetIterator.NO_MORE_DOCS)
                {
                    docs.Add(postings.DocID);
                }
            }

            if (docs.Count == 1)
            {
                result.Add(docs.First());
            }
        }

        return result.Distinct().ToList();
    }

    private static string Join(List<string> places) =>
        places.Count == 1 ? places[0] : string.Join(", ", places.Take(places.Count - 1)) + " and " + places[^1];

    private readonly Dictionary<(int Doc, string Term), List<string>> _places = [];

    /// <summary>
    /// Looks up where the query's terms are in these documents (the page about to be explained) at once:
    /// one term look-up per segment and field, then the postings advanced through the documents in order,
    /// instead of one look-up per document, term and field.
    /// </summary>
    public void Prepare(IEnumerable<int> docs)
    {
        ArgumentNullException.ThrowIfNull(docs);
        var sorted = docs.Distinct().Order().ToList();
        var terms = _terms.Select(t => t.Term).Concat(_expansions.Select(e => e.Term)).Distinct().ToList();
        foreach (var doc in sorted)
        {
            foreach (var term in terms)
            {
                _places[(doc, term)] = [];
            }
        }

        var leaves = _reader.Leaves;
        foreach (var group in sorted.GroupBy(d => ReaderUtil.SubIndex(d, leaves)))
        {
            var leaf = leaves[group.Key];
            foreach (var (field, name) in Places)
            {
                var fieldTerms = leaf.AtomicReader.GetTerms(field);
                if (fieldTerms is null)
                {
                    continue;
                }

                var termsEnum = fieldTerms.GetEnumerator();
                foreach (var term in terms)
                {
                    // Where the term is in this segment, from the per-reader cache the ranking filled: no dictionary walk.
                    var bytes = new BytesRef(term);
                    var state = TermContexts.Of(_reader.Context, new Term(field, bytes)).Get(leaf.Ord);
                    if (state is null)
                    {
                        continue;
                    }

                    termsEnum.SeekExact(bytes, state);

                    var postings = termsEnum.Docs(leaf.AtomicReader.LiveDocs, null, DocsFlags.NONE);
                    var at = -1;
                    foreach (var doc in group)
                    {
                        var local = doc - leaf.DocBase;
                        if (at < local)
                        {
                            at = postings.Advance(local);
                        }

                        if (at == local)
                        {
                            _places[(doc, term)].Add(name);
                        }

                        if (at == DocIdSetIterator.NO_MORE_DOCS)
                        {
                            break;
                        }
                    }
                }
            }
        }
    }

    private List<string> PlacesOf(int doc, string term)
    {
        if (_places.TryGetValue((doc, term), out var known))
        {
            return known;
        }

        // Looked up in the hit's own segment: a look-up through the whole index would merge every segment's terms.
        var leaves = _reader.Leaves;
        var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
        var local = doc - leaf.DocBase;
        var bytes = new BytesRef(term);
        var places = new List<string>();
        foreach (var (field, name) in Places)
        {
            var docs = leaf.AtomicReader.GetTermDocsEnum(new Term(field, bytes));
            if (docs is not null && docs.Advance(local) == local)
            {
                places.Add(name);
            }
        }

        return places;
    }

    /// <summary>The terms of a text as the query analyzer makes them, each with the text it was read from and whether it is an identifier.</summary>
    internal static List<(string Surface, string Term, bool Identifier)> Analyze(string text)
    {
        var result = new List<(string, string, bool)>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return result;
        }

        using var stream = IndexStore.QueryAnalyzer.GetTokenStream(IndexFields.Body, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var type = stream.AddAttribute<ITypeAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var start = Math.Clamp(offset.StartOffset, 0, text.Length);
            var end = Math.Clamp(offset.EndOffset, start, text.Length);
            result.Add((text[start..end], term.ToString(), type.Type == ItuTokenizer.IdentifierType));
        }

        stream.End();
        return result;
    }
}
