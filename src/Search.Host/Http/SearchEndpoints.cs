using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;
using Search.Core;
using Search.Core.Classification;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Querying;
using Search.Core.Semantic;

namespace Search.Host.Http;

/// <summary>The search API: <c>/api/search</c>, <c>/api/documents/{id}</c>, <c>/api/documents/{id}/file</c>, <c>/api/facets</c>.</summary>
public static class SearchEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").WithTags("Search");
        api.MapGet("/search", SearchAsync).WithName("Search")
            .WithSummary("Ranked, faceted search. Facet filters are repeated query parameters named after the facet (sg, question, kind, period, year, topic, format).");
        api.MapGet("/search/export", ExportResults).WithName("ExportSearch")
            .WithSummary("The results of a search (same parameters; up to 1000) as a file: download=csv or download=json ('format' is the file-format facet).");
        api.MapGet("/documents/{id}", GetDocument).WithName("GetDocument");
        api.MapGet("/documents/{id}/links", GetLinks).WithName("DocumentLinks")
            .WithSummary("The documents a document cites (resolved when indexed) and the documents citing it.");
        api.MapGet("/overlaps", GetOverlaps).WithName("Overlaps")
            .WithSummary("Similar documents from different study groups (duplicated effort), clustered, with evidence; download=csv (the pairs) or download=json for a file.");
        api.MapGet("/documents/{id}/file", GetFile).WithName("GetDocumentFile");
        api.MapGet("/documents/{id}/related", GetRelated).WithName("RelatedDocuments")
            .WithSummary("Nearest documents by content (sentence embeddings), the document itself excluded, each with its study group.");
        api.MapGet("/facets", GetFacets).WithName("Facets");
        api.MapGet("/suggest", (SearchService search, string? q, int? limit) => TypedResults.Ok(search.Suggest(q ?? string.Empty, limit ?? 8))).WithName("Suggest").WithSummary("Autocomplete: titles, document numbers, Questions, Recommendations, acronyms and words starting with q (limit 1-20, default 8).");
        api.MapPut("/documents/{id}/topics/{topic}", SetTopic).WithName("SetTopicOverride").RequireApiKey()
            .WithSummary("Set a topic on a document by hand: value=true adds it, value=false removes it. Survives re-ingestion and retraining. Needs the API key.");
        api.MapDelete("/documents/{id}/topics/{topic}", ClearTopic).WithName("ClearTopicOverride").RequireApiKey()
            .WithSummary("Remove a hand-set topic decision: the classifier decides again. Needs the API key.");
        api.MapGet("/access", () => TypedResults.Ok(new AccessReport(Write: true))).WithName("Access").RequireApiKey()
            .WithSummary("Checks an API key: 200 when it may write, 401 without a key, 403 with a wrong one.");
        api.MapGet("/overrides", (TopicService topics) => TypedResults.Ok(topics.Overrides())).WithName("TopicOverrides");
        api.MapGet("/topics", GetTopics).WithName("Topics");
        return routes;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", (HttpContext context, SearchService search, SearchWarmer warmer, IndexStore store, SemanticIndex semantic, TopicTagger topics, ApiKeys keys, IOptions<SearchOptions> options) =>
            {
                var semanticStatus = semantic.Status();
                var topicStatus = topics.Status();
                var documents = search.Count();
                if (!keys.Authorizes(context.Request))
                {
                    // Anonymous callers learn the state, not where things are: error texts may hold paths.
                    return TypedResults.Ok(new HealthReport("ok", documents, semanticStatus with { Error = Redacted(semanticStatus.Error) }, topicStatus with { Error = Redacted(topicStatus.Error) })
                    {
                        TypoToleranceReady = search.VocabularyReady(),
                        WarmedUp = search.WarmedUp() && warmer.IsWarm(documents),
                        WarmUp = warmer.Keyword is { Skipped: { } why } report && why.StartsWith(SearchWarmer.FailedPrefix, StringComparison.Ordinal)
                            ? report with { Skipped = Redacted(why) }
                            : warmer.Keyword,
                    });
                }

                var details = new OperatorDetails(store.IndexPath, options.Value.CorpusPath, keys.KeyFile);
                return TypedResults.Ok(new HealthReport("ok", documents, semanticStatus, topicStatus) { Operator = details, TypoToleranceReady = search.VocabularyReady(), WarmedUp = search.WarmedUp() && warmer.IsWarm(documents), WarmUp = warmer.Keyword });
            })
            .WithTags("Health")
            .WithSummary("Status, document count, semantic and topic progress; with the API key, the operator's details (folders).");
        return routes;
    }

    private static string? Redacted(string? error) => error is null ? null : "failed (the reason is in the service's log and, with the API key, here)";

    /// <summary>The parameters of a search besides facets.</summary>
    private static readonly string[] SearchParameters = ["q", "sort", "mode", "from", "to", "page", "pageSize", "size", "facets", "snippets"];

    private static Ok<SearchResponse> SearchAsync(
        HttpContext context, SearchService search, string? q, string? sort, string? mode, DateOnly? from, DateOnly? to, int? page, int? pageSize, int? size, string? facets, bool? snippets)
    {
        var (includeFacets, facetFields) = ParseFacets(facets);
        var request = RequestFrom(context, q, sort, mode, from, to, SearchParameters) with
        {
            Page = page ?? 1,
            PageSize = pageSize ?? size ?? 10, // size: the short name other search APIs use
            IncludeFacets = includeFacets,
            FacetFields = facetFields,
            IncludeSnippets = snippets ?? true,
        };
        UnknownFacetValues.Check(search, request.Filters, context.RequestAborted);
        return TypedResults.Ok(search.Search(request, context.RequestAborted));
    }

    /// <summary>A search request from the query string (the same parameters for searching and exporting).</summary>
    private static SearchRequest RequestFrom(HttpContext context, string? q, string? sort, string? mode, DateOnly? from, DateOnly? to, IReadOnlyCollection<string> parameters) => new()
    {
        Mode = ParseMode(mode, context.RequestServices.GetRequiredService<IOptions<SearchOptions>>().Value.DefaultMode),
        Query = q ?? string.Empty,
        Filters = FiltersFrom(context.Request.Query, parameters),
        From = from,
        To = to,
        Sort = ParseSort(sort),
    };

    private static FileContentHttpResult ExportResults(HttpContext context, SearchService search, string? q, string? sort, string? mode, DateOnly? from, DateOnly? to, string? download)
    {
        var pageSize = 100;
        var request = RequestFrom(context, q, sort, mode, from, to, [.. SearchParameters, "download"]) with { PageSize = pageSize, IncludeFacets = false, IncludeSnippets = false };
        UnknownFacetValues.Check(search, request.Filters, context.RequestAborted);
        var hits = new List<SearchHit>();
        for (var page = 1; page <= 10; page++)
        {
            var response = search.Search(request with { Page = page }, context.RequestAborted);
            hits.AddRange(response.Hits);
            if (hits.Count >= response.Total || response.Hits.Count < pageSize)
            {
                break;
            }
        }

        if (string.Equals(download, "csv", StringComparison.OrdinalIgnoreCase))
        {
            var details = hits.Select(h => (h.Score, Document: search.Get(h.Id))).Where(r => r.Document is not null).Select(r => (r.Score, r.Document!));
            return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(Search.Host.Cli.Csv.WriteResults(details)), "text/csv; charset=utf-8", Search.Host.Cli.Csv.FileName(q, Today, "csv"));
        }

        if (download is not null && !string.Equals(download, "json", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidSearchRequestException($"unknown download '{download}'; use csv or json", "download");
        }

        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(hits, DocumentMapper.Json);
        return TypedResults.File(json, "application/json", Search.Host.Cli.Csv.FileName(q, Today, "json"));
    }

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private static Results<Ok<DocumentLinks>, ProblemHttpResult> GetLinks(string id, SearchService search)
    {
        var links = search.Links(Uri.UnescapeDataString(id));
        return links is null ? Problems.NotFound(id) : TypedResults.Ok(links);
    }

    private static async Task<IResult> GetOverlaps(HttpContext context, Search.Core.Analysis.OverlapAnalyzer analyzer, string? topic, double? minSimilarity, int? top, string? download)
    {
        CheckParameters(context.Request.Query, ["topic", "minSimilarity", "top", "download"]);
        if (minSimilarity is < 0 or > 1)
        {
            throw new InvalidSearchRequestException("minSimilarity must be between 0 and 1", "minSimilarity");
        }

        if (top is < 1 or > 500)
        {
            throw new InvalidSearchRequestException("top must be between 1 and 500", "top");
        }

        // Computed once per index generation and parameter set; concurrent callers share the computation.
        var report = await analyzer.AnalyzeAsync(Search.Host.Cli.OverlapsCommand.Topic(topic), minSimilarity ?? Search.Host.Cli.OverlapsCommand.DefaultMinSimilarity, top ?? Search.Host.Cli.OverlapsCommand.DefaultTop, context.RequestAborted).ConfigureAwait(false);
        if (string.Equals(download, "csv", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(Search.Host.Cli.OverlapsCommand.Csv(report)), "text/csv; charset=utf-8", "overlaps.csv");
        }

        if (string.Equals(download, "json", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.File(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(report, DocumentMapper.Json), "application/json", "overlaps.json");
        }

        return TypedResults.Ok(report);
    }

    private static Results<Ok<DocumentDetails>, ProblemHttpResult> GetDocument(string id, SearchService search)
    {
        var details = search.Get(Uri.UnescapeDataString(id));
        return details is null ? Problems.NotFound(id) : TypedResults.Ok(details);
    }

    private static Results<Ok<IReadOnlyList<RelatedDocument>>, ProblemHttpResult> GetRelated(string id, SearchService search, int? limit)
    {
        var key = Uri.UnescapeDataString(id);
        if (search.Get(key) is null)
        {
            return Problems.NotFound(id);
        }

        if (limit is < 1 or > 100)
        {
            throw new InvalidSearchRequestException("limit must be between 1 and 100", "limit");
        }

        return TypedResults.Ok(search.Related(key, limit ?? 10));
    }

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> GetFile(string id, SearchService search, IndexStore store)
    {
        var details = search.Get(Uri.UnescapeDataString(id));
        if (details is null || !store.CommitData().TryGetValue(IngestionPipeline.RootKey, out var root))
        {
            return Problems.NotFound(id);
        }

        // The path comes from the index, never from the request, and must stay inside the ingested folder.
        var full = Path.GetFullPath(Path.Combine(root, details.Path));
        var inside = full.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (!inside || !File.Exists(full))
        {
            return Problems.NotFound(id);
        }

        var contentType = ContentTypes.TryGetContentType(full, out var type) ? type : "application/octet-stream";
        return TypedResults.PhysicalFile(full, contentType, Path.GetFileName(full));
    }

    private static Ok<IReadOnlyList<TopicAssignment>> SetTopic(string id, string topic, bool value, TopicService topics) =>
        TypedResults.Ok(topics.SetOverride(Uri.UnescapeDataString(id), topic, value));

    private static Ok<IReadOnlyList<TopicAssignment>> ClearTopic(string id, string topic, TopicService topics) =>
        TypedResults.Ok(topics.SetOverride(Uri.UnescapeDataString(id), topic, null));

    private static Ok<TopicsReport> GetTopics(TopicClassifier classifier)
    {
        // Both models' thresholds: documents are tagged by the text model first, then by the one with embeddings.
        var models = new[] { classifier.Model(), classifier.RefinedModel(train: false) }.OfType<TopicModel>()
            .Select(m => new TopicModelThresholds(m.EmbeddingModel is null ? TopicClassifier.TextModelName : classifier.RefinedModelName, m.Info.Topics))
            .ToList();
        return TypedResults.Ok(new TopicsReport(
            classifier.IsEnabled,
            classifier.Taxonomy?.Topics ?? [],
            models.LastOrDefault()?.Thresholds ?? [],
            models));
    }

    private static Ok<IReadOnlyDictionary<string, IReadOnlyList<FacetValue>>> GetFacets(HttpContext context, SearchService search) =>
        TypedResults.Ok(search.Facets(FiltersFrom(context.Request.Query, []), context.RequestAborted));

    /// <summary>Refuses a parameter the endpoint does not know (a typo would otherwise be ignored in silence).</summary>
    private static void CheckParameters(IQueryCollection query, IReadOnlyCollection<string> known)
    {
        foreach (var key in query.Keys)
        {
            if (!known.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidSearchRequestException($"unknown parameter '{key}'; this endpoint takes {string.Join(", ", known)}", key);
            }
        }
    }

    /// <summary>
    /// Facet filters from query parameters named after a facet (repeatable, or comma-separated); a
    /// parameter that is neither one of <paramref name="parameters"/> nor a facet is refused, as the README says.
    /// </summary>
    internal static Dictionary<string, IReadOnlyList<string>> FiltersFrom(IQueryCollection query, IReadOnlyCollection<string> parameters)
    {
        var filters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            if (parameters.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var field = FacetValues.FieldOf(key)
                ?? throw new InvalidSearchRequestException($"unknown facet or parameter '{key}'; facets are {string.Join(", ", IndexFields.Facets)}, parameters {string.Join(", ", parameters)}", key);

            var list = values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            if (list.Count > 0)
            {
                filters[field] = filters.TryGetValue(field, out var existing) ? existing.Concat(list).ToList() : list;
            }
        }

        return filters;
    }

    /// <summary>
    /// Which facets to count: every facet by default (<c>facets=true</c>), none (<c>facets=false</c>), or
    /// those named (<c>facets=sg,question</c>, the names the filters take).
    /// </summary>
    internal static (bool Include, IReadOnlyCollection<string>? Fields) ParseFacets(string? facets)
    {
        var text = facets?.Trim() ?? string.Empty;
        if (text.Length == 0 || text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return (true, null);
        }

        if (text.Equals("false", StringComparison.OrdinalIgnoreCase) || text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return (false, null);
        }

        var fields = new List<string>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            fields.Add(FacetValues.FieldOf(name)
                ?? throw new InvalidSearchRequestException($"unknown facet '{name}' in facets; use true, false, or some of {string.Join(", ", IndexFields.Facets)}", "facets"));
        }

        return (true, fields);
    }

    internal static SearchMode ParseMode(string? mode, SearchMode absent = SearchMode.Hybrid) => mode?.ToLower(CultureInfo.InvariantCulture) switch
    {
        null or "" => absent,
        "hybrid" => SearchMode.Hybrid,
        "bm25" or "keyword" => SearchMode.Bm25,
        "semantic" => SearchMode.Semantic,
        _ => throw new InvalidSearchRequestException($"unknown mode '{mode}'; use hybrid, bm25 or semantic", "mode"),
    };

    internal static SearchSort ParseSort(string? sort) => sort?.ToLower(CultureInfo.InvariantCulture) switch
    {
        null or "" or "relevance" => SearchSort.Relevance,
        "date" or "date-desc" or "newest" => SearchSort.DateDescending,
        "date-asc" or "oldest" => SearchSort.DateAscending,
        _ => throw new InvalidSearchRequestException($"unknown sort '{sort}'; use relevance, date or date-asc", "sort"),
    };
}

/// <summary>The taxonomy and the thresholds of the model in use.</summary>
/// <summary>The taxonomy and the thresholds of the model documents end up tagged by (<see cref="Models"/> has each model's).</summary>
public sealed record TopicsReport(bool Enabled, IReadOnlyList<Topic> Topics, IReadOnlyList<TopicThreshold> Thresholds, IReadOnlyList<TopicModelThresholds> Models);

/// <summary>A topic model (by its name in <c>topicsBy</c>) and its thresholds.</summary>
public sealed record TopicModelThresholds(string Model, IReadOnlyList<TopicThreshold> Thresholds);

/// <summary>Service health: document count and the state of semantic search and topic refinement (readiness, progress); <see cref="Operator"/> only for a caller with the API key.</summary>
public sealed record HealthReport(string Status, int Documents, SemanticStatus Semantic, TopicStatus Topics)
{
    public OperatorDetails? Operator { get; init; }

    /// <summary>
    /// Whether typo tolerance has its vocabulary for the current index generation (built in the background
    /// for a large index, from the first health check or search; until then words are taken as typed).
    /// </summary>
    public bool TypoToleranceReady { get; init; }

    /// <summary>
    /// Whether all the background work of the current index generation is done: the typo vocabulary and
    /// the block bounds of frequent terms that keyword ranking skips with (asking starts both; until then
    /// searches answer, a little slower), and the start-up warm-up of the search code (<see cref="WarmUp"/>).
    /// Benchmarks wait for it.
    /// </summary>
    public bool WarmedUp { get; init; }

    /// <summary>What the start-up warm-up of the search code did (searches, rounds, methods compiled), or why it was skipped; null while it runs.</summary>
    public Search.Core.Querying.WarmUpReport? WarmUp { get; init; }
}

/// <summary>Where the service keeps its data: for operators (callers with the API key), never for anonymous callers.</summary>
public sealed record OperatorDetails(string Index, string Corpus, string? KeyFile);

/// <summary>What the API key presented allows.</summary>
public sealed record AccessReport(bool Write);
