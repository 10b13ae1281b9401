using System.Text;
using System.Text.RegularExpressions;
using Lucene.Net.Index;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;
using Search.Core.Indexing;

namespace Search.Core.Querying;

/// <summary>
/// Turns the query a user typed into a Lucene query: terms, <c>"phrases"</c>, <c>AND</c>/<c>OR</c>/<c>NOT</c>,
/// <c>field:value</c>, <c>prefix*</c>, over title, abstract, keywords, number, body and source with BM25
/// and boosts. Before Lucene's parser sees the text, ITU forms it would split are joined
/// (<c>SG 17</c>, <c>Study Group 17</c>, <c>Question 15/11</c>) and the slash inside identifiers is escaped
/// (the classic syntax reads <c>/</c> as a regular expression). Errors name the position in the text
/// the user typed. Identifiers are never fuzzed.
/// </summary>
public static partial class UserQueryParser
{
    private static readonly Dictionary<string, string> TextFields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["title"] = IndexFields.Title,
        ["abstract"] = IndexFields.Abstract,
        ["keywords"] = IndexFields.Keywords,
        ["keyword"] = IndexFields.Keywords,
        ["body"] = IndexFields.Body,
        ["text"] = IndexFields.Body,
        ["number"] = IndexFields.Number,
        ["source"] = IndexFields.Source,
        ["refs"] = IndexFields.References,
        ["ref"] = IndexFields.References,
        ["cites"] = IndexFields.References,
        ["id"] = IndexFields.Id,
    };

    [GeneratedRegex(@"(?<![\\\w.])(?<field>[A-Za-z_]+):", RegexOptions.CultureInvariant)]
    private static partial Regex FieldPrefix();

    [GeneratedRegex(@"\b(?:SG|Study\s+Group)\s+(?<n>\d{1,2})\b(?!\s*/)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SpacedGroup();

    [GeneratedRegex(@"\bQuestions?\s+(?<q>\d{1,2}/\d{1,2})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SpacedQuestion();

    [GeneratedRegex(@"column (?<c>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Column();

    [GeneratedRegex(@"Encountered\s+""\s*(?:<(?<kind>[A-Z_]+)>)?\s*""?(?<image>[^""]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex Encountered();

    /// <summary>
    /// Parses <paramref name="text"/>; an empty text matches every document. The query must stay within
    /// <paramref name="limits"/> (the defaults when null): nesting, clauses, expanding terms, regular
    /// expressions. The term expansions of the parsed query stop when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public static Query Parse(string text, QueryLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new MatchAllDocsQuery();
        }

        limits ??= QueryLimits.Default;
        CheckDepth(text, limits);
        CheckFields(text);
        var (prepared, map) = Prepare(text);
        var parser = new ItuQueryParser(limits, cancellationToken);
        try
        {
            return parser.Parse(prepared);
        }
        catch (ParseException ex)
        {
            throw Translate(ex, text, map);
        }
        catch (BooleanQuery.TooManyClausesException)
        {
            throw new QueryLimitException($"the query has more than {BooleanQuery.MaxClauseCount} clauses in one group", nameof(QueryLimits.MaxClauses));
        }
        catch (ArgumentException ex)
        {
            // Lucene refuses a term it cannot build (an invalid regular expression or range).
            throw new QueryParseException($"invalid query: {ex.Message}", 1);
        }
    }

    /// <summary>Refuses deep nesting before Lucene's recursive parser sees it.</summary>
    private static void CheckDepth(string text, QueryLimits limits)
    {
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(' && ++depth > limits.MaxQueryDepth)
            {
                throw new QueryLimitException($"the query nests parentheses more than {limits.MaxQueryDepth} deep (position {i + 1})", nameof(QueryLimits.MaxQueryDepth));
            }
            else if (!quoted && c == ')')
            {
                depth = Math.Max(0, depth - 1);
            }
        }
    }

    private static void CheckFields(string text)
    {
        foreach (Match m in FieldPrefix().Matches(text))
        {
            if (InsideQuotes(text, m.Index))
            {
                continue;
            }

            var name = m.Groups["field"].Value;
            if (!TextFields.ContainsKey(name) && FacetValues.FieldOf(name) is null)
            {
                var known = string.Join(", ", TextFields.Keys.Concat(["sg", "question", "kind", "period", "year", "topic", "format"]).Distinct());
                throw new QueryParseException($"unknown field '{name}' at position {m.Index + 1}; known fields: {known}", m.Index + 1);
            }
        }
    }

    private static bool InsideQuotes(string text, int index)
    {
        var quotes = 0;
        for (var i = 0; i < index; i++)
        {
            if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
            {
                quotes++;
            }
        }

        return quotes % 2 == 1;
    }

    /// <summary>Rewrites the text for Lucene's parser; <c>map[i]</c> is the 0-based index in the original of prepared char i.</summary>
    internal static (string Text, int[] Map) Prepare(string text)
    {
        var chars = new List<(char C, int Origin)>(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            chars.Add((text[i], i));
        }

        Rewrite(chars, SpacedGroup(), m => "SG" + m.Groups["n"].Value);
        Rewrite(chars, SpacedQuestion(), m => "Q" + m.Groups["q"].Value);
        Rewrite(chars, FieldPrefix(), m => FieldName(m.Groups["field"].Value) + ":");

        // Escape '/' between letters or digits (Q15/11, TD329-R1/WP3) so it is not a regex delimiter.
        var escaped = new List<(char C, int Origin)>(chars.Count + 4);
        for (var i = 0; i < chars.Count; i++)
        {
            if (chars[i].C == '/' && i > 0 && i + 1 < chars.Count && char.IsLetterOrDigit(chars[i - 1].C) && char.IsLetterOrDigit(chars[i + 1].C))
            {
                escaped.Add(('\\', chars[i].Origin));
            }

            escaped.Add(chars[i]);
        }

        return (new string(escaped.Select(c => c.C).ToArray()), escaped.Select(c => c.Origin).ToArray());
    }

    private static string FieldName(string name) =>
        TextFields.TryGetValue(name, out var field) ? field : FacetValues.FieldOf(name) ?? name;

    private static void Rewrite(List<(char C, int Origin)> chars, Regex pattern, Func<Match, string> replacement)
    {
        var current = new string(chars.Select(c => c.C).ToArray());
        var matches = pattern.Matches(current).Reverse().ToList();
        foreach (var m in matches)
        {
            var origin = chars[m.Index].Origin;
            var value = replacement(m);
            chars.RemoveRange(m.Index, m.Length);
            chars.InsertRange(m.Index, value.Select(c => (c, origin)));
        }
    }

    private static QueryParseException Translate(ParseException ex, string original, int[] map)
    {
        var column = Column().Match(ex.Message);
        int position;
        if (column.Success)
        {
            var prepared = int.Parse(column.Groups["c"].Value, System.Globalization.CultureInfo.InvariantCulture) - 1;
            position = prepared < 0 ? 1 : prepared >= map.Length ? original.Length + 1 : map[prepared] + 1;
        }
        else
        {
            var wildcard = original.IndexOfAny(['*', '?']);
            position = wildcard >= 0 ? wildcard + 1 : 1;
        }

        var encountered = Encountered().Match(ex.Message);
        string what;
        if (ex.Message.Contains("Lexical error", StringComparison.Ordinal))
        {
            what = original.Count(c => c == '"') % 2 == 1 ? "a quotation mark is not closed" : "unexpected character";
            if (what.StartsWith('a'))
            {
                position = original.LastIndexOf('"') + 1;
            }
        }
        else if (encountered.Success && encountered.Groups["kind"].Value == "EOF")
        {
            position = original.TrimEnd().Length + 1;
            what = "the query ends too early (an operator or bracket is missing its other side)";
        }
        else if (encountered.Success)
        {
            what = $"unexpected '{encountered.Groups["image"].Value.Trim()}'";
        }
        else if (ex.Message.Contains("not allowed as first character", StringComparison.Ordinal))
        {
            what = "'*' or '?' cannot start a term";
        }
        else
        {
            what = "the query cannot be parsed";
        }

        return new QueryParseException($"invalid query at position {position}: {what}", position);
    }

    /// <summary>
    /// Lucene's classic parser with facet fields read as exact values and identifiers kept exact, counting
    /// what each term costs against the <see cref="QueryLimits"/> (once per term the user typed, not per
    /// field it is searched in) and checking regular expressions and wildcards before they are compiled.
    /// </summary>
    private sealed class ItuQueryParser : MultiFieldQueryParser
    {
        private readonly QueryLimits _limits;
        private readonly CancellationToken _cancellationToken;
        private int _clauses;
        private int _expanding;
        private int _fuzzy;
        private int _nesting;

        public ItuQueryParser(QueryLimits limits, CancellationToken cancellationToken)
            : base(ItuAnalyzer.Version, IndexFields.SearchedFields.Keys.ToArray(), IndexStore.QueryAnalyzer, IndexFields.SearchedFields.ToDictionary(p => p.Key, p => p.Value))
        {
            _limits = limits;
            _cancellationToken = cancellationToken;
            DefaultOperator = Operator.OR;
            AllowLeadingWildcard = false;
            AutoGeneratePhraseQueries = true;
            MultiTermRewriteMethod = new BudgetedRewrite(MultiTermQuery.CONSTANT_SCORE_AUTO_REWRITE_DEFAULT, cancellationToken);
        }

        protected override Query GetFieldQuery(string field, string queryText, bool quoted) => Counted(ref _clauses, _limits.MaxClauses, "terms and phrases", nameof(QueryLimits.MaxClauses), () =>
        {
            if (field is not null && IsExactField(field))
            {
                return new TermQuery(new Term(field, field == IndexFields.Id ? queryText : FacetValues.Normalize(field, queryText)));
            }

            return base.GetFieldQuery(field!, queryText, quoted);
        });

        protected override Query GetFuzzyQuery(string field, string termStr, float minSimilarity)
        {
            // Identifiers are never fuzzed: Q15/11 must not match Q15/17.
            return termStr.Any(c => char.IsDigit(c) || c is '.' or '/' or '-')
                ? GetFieldQuery(field, termStr, quoted: false)
                : Counted(ref _fuzzy, _limits.MaxFuzzyTerms, "fuzzy terms", nameof(QueryLimits.MaxFuzzyTerms), () => base.GetFuzzyQuery(field, termStr, minSimilarity));
        }

        protected override Query NewFuzzyQuery(Term term, float minimumSimilarity, int prefixLength)
        {
            var query = base.NewFuzzyQuery(term, minimumSimilarity, prefixLength);
            if (query is MultiTermQuery fuzzy)
            {
                fuzzy.MultiTermRewriteMethod = new BudgetedRewrite(fuzzy.MultiTermRewriteMethod, _cancellationToken);
            }

            return query;
        }

        protected override Query GetPrefixQuery(string field, string termStr) => Expanding(() =>
        {
            if (field is not null && IsExactField(field))
            {
                return new PrefixQuery(new Term(field, field == IndexFields.Id ? termStr : FacetValues.Normalize(field, termStr))) { MultiTermRewriteMethod = MultiTermRewriteMethod };
            }

            return base.GetPrefixQuery(field!, termStr);
        });

        protected override Query GetWildcardQuery(string field, string termStr) => Expanding(() =>
        {
            RegexGuard.CheckWildcard(termStr, _limits);
            return base.GetWildcardQuery(field, termStr);
        });

        protected override Query GetRegexpQuery(string field, string termStr) => Expanding(() =>
        {
            RegexGuard.CheckRegex(termStr, _limits);
            return base.GetRegexpQuery(field, termStr);
        });

        protected override Query NewRegexpQuery(Term regexp)
        {
            // Only the core syntax (no complement, intersection, intervals or named automata): what RegexGuard checks.
            return new RegexpQuery(regexp, Lucene.Net.Util.Automaton.RegExpSyntax.NONE) { MultiTermRewriteMethod = MultiTermRewriteMethod };
        }

        protected override Query GetRangeQuery(string field, string part1, string part2, bool startInclusive, bool endInclusive) =>
            Expanding(() => base.GetRangeQuery(field, part1, part2, startInclusive, endInclusive));

        private Query Expanding(Func<Query> build) =>
            Counted(ref _expanding, _limits.MaxWildcardTerms, "prefix, wildcard, regular-expression and range terms", nameof(QueryLimits.MaxWildcardTerms), build);

        /// <summary>Counts a term the user typed (not the per-field copies the multi-field parser makes of it) and builds its query.</summary>
        private Query Counted(ref int counter, int limit, string what, string setting, Func<Query> build)
        {
            if (_nesting == 0 && ++counter > limit)
            {
                throw new QueryLimitException($"the query has more than {limit} {what}", setting);
            }

            _nesting++;
            try
            {
                return build();
            }
            finally
            {
                _nesting--;
            }
        }

        private static bool IsExactField(string field) => field == IndexFields.Id || IndexFields.Facets.Contains(field);
    }
}
