using System.Text.Json.Serialization;
using Search.Core.Ingestion;

namespace Search.Core.Querying;

/// <summary>How results are ordered.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SearchSort>))]
public enum SearchSort
{
    [JsonStringEnumMemberName("relevance")]
    Relevance,
    [JsonStringEnumMemberName("date")]
    DateDescending,
    [JsonStringEnumMemberName("date-asc")]
    DateAscending,
}

/// <summary>How results are retrieved: keywords (BM25), meaning (sentence embeddings), or both fused.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SearchMode>))]
public enum SearchMode
{
    [JsonStringEnumMemberName("hybrid")]
    Hybrid,
    [JsonStringEnumMemberName("bm25")]
    Bm25,
    [JsonStringEnumMemberName("semantic")]
    Semantic,
}

/// <summary>A search: query text, facet selections (OR within a facet, AND across facets), date range, order and page.</summary>
public sealed record SearchRequest
{
    /// <summary>Query text in the syntax of the README; empty means every document.</summary>
    public string Query { get; init; } = string.Empty;

    /// <summary>Selected values per facet (<c>sg</c>, <c>question</c>, <c>kind</c>, <c>period</c>, <c>year</c>, <c>topic</c>, <c>format</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Filters { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    public SearchSort Sort { get; init; } = SearchSort.Relevance;

    /// <summary>1-based page number.</summary>
    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = 10;

    /// <summary>Whether to compute facet counts.</summary>
    public bool IncludeFacets { get; init; } = true;

    /// <summary>The facets to count (index field names); null counts every facet.</summary>
    public IReadOnlyCollection<string>? FacetFields { get; init; }

    public SearchMode Mode { get; init; } = SearchMode.Hybrid;

    /// <summary>Whether to build snippets (evaluations switch them off).</summary>
    public bool IncludeSnippets { get; init; } = true;
}

/// <summary>
/// The components of a hit's rank: the BM25 score and rank, the semantic similarity (best passage)
/// and rank, the fused score, and whether the hit matches an identifier of the query exactly. A browse
/// without a query scores nothing: its keyword parts are null.
/// </summary>
public sealed record HitScores(float? Keyword, int? KeywordRank, float? Semantic, int? SemanticRank, double Fused, bool IdentifierMatch)
{
    /// <summary>
    /// For a keyword match of a hybrid search ranked below the keyword matches whose rank was worked out
    /// (the fusion depth at least, 100 by default): that number; <see cref="KeywordRank"/> is then null, <see cref="Keyword"/> is not.
    /// </summary>
    public int? KeywordRankOver { get; init; }
}

/// <summary>One result.</summary>
public sealed record SearchHit(
    string Id,
    string Path,
    string Title,
    string Kind,
    float Score,
    string Snippet,
    DocumentMetadata Metadata,
    IReadOnlyList<string> Topics,
    HitScores Scores)
{
    /// <summary>Why the hit is here, in plain words: its keyword, semantic, typo and exact-identifier parts.</summary>
    public IReadOnlyList<string> Why { get; init; } = [];
}

/// <summary>A facet value with its count; <c>Selected</c> when it is in the request's filters.</summary>
public sealed record FacetValue(string Value, int Count, bool Selected);

/// <summary>The results of a search; <c>Mode</c> is the mode used, which differs from <c>RequestedMode</c> (with a <c>Notice</c>) when semantic search was not ready.</summary>
public sealed record SearchResponse(
    string Query,
    int Total,
    int Page,
    int PageSize,
    IReadOnlyList<SearchHit> Hits,
    IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Facets,
    double ElapsedMilliseconds)
{
    public SearchMode Mode { get; init; } = SearchMode.Bm25;

    public SearchMode RequestedMode { get; init; } = SearchMode.Bm25;

    public string? Notice { get; init; }

    /// <summary>The query with its unknown words corrected (null when every word is known).</summary>
    public string? DidYouMean { get; init; }

    /// <summary>Whether documents matching corrected or completed words (typo tolerance, search as you type) are included.</summary>
    public bool TypoMatches { get; init; }

    /// <summary>No document matches: <c>Total</c> is 0 and the hits, if any, are only the nearest documents by meaning.</summary>
    public bool NothingMatchedWell { get; init; }
}

/// <summary>A query that cannot be parsed; <see cref="Position"/> is 1-based in the text the user typed.</summary>
public sealed class QueryParseException(string message, int position) : Exception(message)
{
    public int Position { get; } = position;
}

/// <summary>A request outside the limits (query length, page size, unknown facet).</summary>
public sealed class InvalidSearchRequestException(string message, string field) : Exception(message)
{
    public string Field { get; } = field;
}
