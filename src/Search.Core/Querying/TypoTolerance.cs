using System.Text.RegularExpressions;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Search.Core.Indexing;

namespace Search.Core.Querying;

/// <summary>A word of the query replaced or completed: what was typed and the known words it now also matches.</summary>
public sealed record TypoExpansion(string Typed, IReadOnlyList<string> Words, bool Completion);

/// <summary>The query with its typo and as-you-type expansions, and the corrected query to suggest.</summary>
public sealed record TypoResult(Query Query, string? DidYouMean, IReadOnlyList<TypoExpansion> Expansions)
{
    public bool TypoMatches => Expansions.Count > 0;
}

/// <summary>
/// Typo tolerance and prefix matching over the <see cref="Vocabulary"/> of the index: a plain word of
/// the query that no document contains also matches the known words within 1 edit (4 to 7 letters) or
/// 2 edits (8 letters or more), and the query with the nearest of them is suggested ("did you mean");
/// the last word, when unknown and the query does not end in a space, matches the words it starts
/// (search as you type). Expansions score at <see cref="Boost"/> of an exact match, so exact matches
/// rank first. Identifiers (anything with a digit, dot, slash or hyphen: <c>Q15/11</c>, <c>X.1205</c>,
/// <c>TD3240</c>), quoted phrases, field queries and operators are never touched, and at most
/// <see cref="QueryLimits.MaxFuzzyTerms"/> words are expanded, each to a bounded number of words.
/// </summary>
public static partial class TypoTolerance
{
    /// <summary>Score share of a typo or completion match relative to an exact one.</summary>
    public const float Boost = 0.3f;

    /// <summary>Known words taken per misspelt word.</summary>
    public const int CorrectionsPerWord = 3;

    [GeneratedRegex(@"^\p{L}{3,}$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainWord();

    [GeneratedRegex(@"[""():\\*?~^\[\]{}+]", RegexOptions.CultureInvariant)]
    private static partial Regex Syntax();

    /// <summary>The edits a word of this length may be away from a known word: none under 4 letters, 1 up to 7, else 2.</summary>
    public static int MaxEdits(int length) => length < 4 ? 0 : length < 8 ? 1 : 2;

    /// <summary>Expands <paramref name="parsed"/> (the query parsed from <paramref name="text"/>) with typo corrections and completions found in <paramref name="reader"/>'s vocabulary.</summary>
    public static TypoResult Expand(IndexReader reader, string text, Query parsed, QueryLimits limits)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(limits);
        if (parsed is MatchAllDocsQuery || Syntax().IsMatch(text))
        {
            return new TypoResult(parsed, null, []);
        }

        Vocabulary? vocabulary = null;
        var tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var typing = !char.IsWhiteSpace(text[^1]);
        var expansions = new List<TypoExpansion>();
        var corrected = tokens.ToArray();
        var changed = false;
        for (var i = 0; i < tokens.Length && expansions.Count < limits.MaxFuzzyTerms; i++)
        {
            var token = tokens[i];
            if (!PlainWord().IsMatch(token) || token is "AND" or "OR" or "NOT")
            {
                continue;
            }

            // Known when any searched field holds its term (the exact word finds something).
            var word = token.ToLowerInvariant();
            // (Looked up through the per-reader cache the ranking reads too: the same terms are not sought twice.)
            if (Analyze(word).Any(t => IndexFields.SearchedFields.Keys.Any(f => TermContexts.Of(reader.Context, new Term(f, t)).DocFreq > 0)))
            {
                continue;
            }

            // Built on the first unknown word only: a query of known words never pays for it. A large
            // index builds it in the background: until it is ready, words are taken as typed.
            vocabulary ??= Vocabulary.Ready(reader);
            if (vocabulary is null)
            {
                break;
            }

            if (typing && i == tokens.Length - 1)
            {
                var completions = vocabulary.WithPrefix(word).Take(Math.Min(10, limits.MaxWildcardTerms)).Select(w => w.Word).ToList();
                if (completions.Count > 0)
                {
                    expansions.Add(new TypoExpansion(token, completions, Completion: true));
                    continue;
                }
            }

            var near = vocabulary.Near(word, MaxEdits(word.Length), CorrectionsPerWord);
            if (near.Count > 0)
            {
                expansions.Add(new TypoExpansion(token, near.Select(n => n.Word).ToList(), Completion: false));
                corrected[i] = near[0].Word;
                changed = true;
            }
        }

        if (expansions.Count == 0)
        {
            return new TypoResult(parsed, null, []);
        }

        var query = new BooleanQuery { { parsed, Occur.SHOULD } };
        foreach (var word in expansions.SelectMany(e => e.Words).Distinct(StringComparer.Ordinal))
        {
            foreach (var term in Analyze(word))
            {
                foreach (var (field, boost) in IndexFields.SearchedFields)
                {
                    query.Add(new TermQuery(new Term(field, term)) { Boost = boost * Boost }, Occur.SHOULD);
                }
            }
        }

        return new TypoResult(query, changed ? string.Join(' ', corrected) : null, expansions);
    }

    private static IEnumerable<string> Analyze(string word) => HitExplainer.Analyze(word).Select(t => t.Term);
}
