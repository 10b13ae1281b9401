namespace Search.Core.Querying;

/// <summary>
/// What one query may cost: its regular expressions, its expanding terms (prefix, wildcard, regex,
/// range, fuzzy), its clauses and nesting. Each is checked while the query is parsed, before Lucene
/// expands or compiles anything, so that no input reaches an exponential automaton or a deep recursion.
/// </summary>
public sealed record QueryLimits
{
    /// <summary>The defaults of <see cref="SearchOptions"/>.</summary>
    public static QueryLimits Default { get; } = From(new SearchOptions());

    public int MaxRegexLength { get; init; }

    public int MaxRegexRepeat { get; init; }

    public int MaxRegexStates { get; init; }

    public int MaxWildcardTerms { get; init; }

    public int MaxFuzzyTerms { get; init; }

    public int MaxClauses { get; init; }

    public int MaxQueryDepth { get; init; }

    public static QueryLimits From(SearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new QueryLimits
        {
            MaxRegexLength = options.MaxRegexLength,
            MaxRegexRepeat = options.MaxRegexRepeat,
            MaxRegexStates = options.MaxRegexStates,
            MaxWildcardTerms = options.MaxWildcardTerms,
            MaxFuzzyTerms = options.MaxFuzzyTerms,
            MaxClauses = options.MaxClauses,
            MaxQueryDepth = options.MaxQueryDepth,
        };
    }
}

/// <summary>A query over one of the limits of <see cref="QueryLimits"/>; <see cref="Limit"/> names the setting.</summary>
public sealed class QueryLimitException(string message, string limit, string field = "q") : Exception(message)
{
    /// <summary>The setting that was exceeded (<c>MaxRegexStates</c>, <c>QueryTimeoutSeconds</c>, …).</summary>
    public string Limit { get; } = limit;

    /// <summary>The request field at fault.</summary>
    public string Field { get; } = field;
}
