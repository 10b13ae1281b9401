using System.Diagnostics;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Microsoft.Extensions.Options;
using Search.Core.Indexing;
using Search.Core.Ingestion;

namespace Search.Core.Querying;

/// <summary>A stored document with its text, as <c>show</c> and <c>GET /api/documents/{id}</c> give it.</summary>
public sealed record DocumentDetails(
    string Id,
    string Path,
    string Format,
    string Title,
    DocumentMetadata Metadata,
    IReadOnlyList<Classification.TopicAssignment> Topics,
    string Text);

/// <summary>Runs searches against the index: BM25 ranking, multi-select facets, date range, sort, paging, snippets.</summary>
public sealed class SearchService(IndexStore store, IOptions<SearchOptions> options)
{
    public SearchResponse Search(SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        Validate(request);
        var textQuery = UserQueryParser.Parse(request.Query);
        var filters = FilterQueries(request);
        var dateFilter = DateFilter(request);

        using var lease = store.Lease();
        var searcher = lease.Searcher;
        var size = request.Page * request.PageSize;
        var sort = request.Sort == SearchSort.Relevance && textQuery is not MatchAllDocsQuery
            ? null
            : new Sort(new SortField(IndexFields.DateSort, SortFieldType.INT64, reverse: request.Sort != SearchSort.DateAscending), SortField.FIELD_SCORE);
        ITopDocsCollector top = sort is null
            ? TopScoreDocCollector.Create(Math.Max(1, size), true)
            : TopFieldCollector.Create(sort, Math.Max(1, size), true, true, false, false);

        // Facets without a selection are counted over the full result set while it is collected;
        // a facet with a selection is counted with every filter except its own (multi-select).
        var unselected = IndexFields.Facets.Where(f => !filters.ContainsKey(f)).ToList();
        var counter = request.IncludeFacets ? new FacetCounter(unselected) : null;
        var query = Combine(textQuery, filters, dateFilter, except: null);
        searcher.Search(query, counter is null ? top : MultiCollector.Wrap(top, counter));

        var facets = new Dictionary<string, IReadOnlyList<FacetValue>>();
        if (counter is not null)
        {
            foreach (var (field, counts) in counter.Counts())
            {
                facets[field] = FacetList(counts, []);
            }

            foreach (var field in filters.Keys)
            {
                var own = new FacetCounter([field]);
                searcher.Search(Combine(textQuery, filters, dateFilter, except: field), own);
                facets[field] = FacetList(own.Counts()[field], request.Filters.Where(f => FacetValues.FieldOf(f.Key) == field)
                    .SelectMany(f => f.Value).Select(v => FacetValues.Normalize(field, v)).ToHashSet());
            }
        }

        var docs = top.GetTopDocs((request.Page - 1) * request.PageSize, request.PageSize);
        var snippets = new Snippets(textQuery, searcher.IndexReader, IndexFields.Body);
        var hits = docs.ScoreDocs.Select(sd => ToHit(searcher, sd, snippets)).ToList();
        var ordered = IndexFields.Facets.Where(facets.ContainsKey).ToDictionary(f => f, f => facets[f]);
        return new SearchResponse(request.Query, top.TotalHits, request.Page, request.PageSize, hits, ordered, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>Facet counts over every document (or over those matching the filters).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Facets(IReadOnlyDictionary<string, IReadOnlyList<string>>? filters = null) =>
        Search(new SearchRequest { Filters = filters ?? new Dictionary<string, IReadOnlyList<string>>(), PageSize = 1 }).Facets;

    public DocumentDetails? Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        using var lease = store.Lease();
        var doc = Find(lease.Searcher, id);
        return doc is null ? null : Details(doc);
    }

    /// <summary>The id of the document an id, number (<c>SG17-LS269</c>) or file stem names; null when none.</summary>
    public string? Resolve(string idOrNumber)
    {
        ArgumentNullException.ThrowIfNull(idOrNumber);
        using var lease = store.Lease();
        return Find(lease.Searcher, idOrNumber)?.Get(IndexFields.Id);
    }

    /// <summary>Every document, in id order, for export.</summary>
    public IEnumerable<DocumentDetails> All()
    {
        using var lease = store.Lease();
        var reader = lease.Searcher.IndexReader;
        var liveDocs = MultiFields.GetLiveDocs(reader);
        var list = new List<DocumentDetails>();
        for (var i = 0; i < reader.MaxDoc; i++)
        {
            if (liveDocs is null || liveDocs.Get(i))
            {
                list.Add(Details(reader.Document(i)));
            }
        }

        return list.OrderBy(d => d.Id, StringComparer.Ordinal);
    }

    public int Count()
    {
        using var lease = store.Lease();
        return lease.Searcher.IndexReader.NumDocs;
    }

    private void Validate(SearchRequest request)
    {
        var settings = options.Value;
        if (request.Query.Length > settings.MaxQueryLength)
        {
            throw new InvalidSearchRequestException($"the query is {request.Query.Length} characters long; the limit is {settings.MaxQueryLength}", "q");
        }

        if (request.PageSize < 1 || request.PageSize > settings.MaxPageSize)
        {
            throw new InvalidSearchRequestException($"pageSize must be between 1 and {settings.MaxPageSize}", "pageSize");
        }

        if (request.Page < 1 || (long)request.Page * request.PageSize > 10_000)
        {
            throw new InvalidSearchRequestException("page must be 1 or more, and page × pageSize at most 10000", "page");
        }

        foreach (var name in request.Filters.Keys)
        {
            if (FacetValues.FieldOf(name) is null)
            {
                throw new InvalidSearchRequestException($"unknown facet '{name}'; facets are {string.Join(", ", IndexFields.Facets)}", name);
            }
        }

        if (request.From is { } from && request.To is { } to && from > to)
        {
            throw new InvalidSearchRequestException("'from' is after 'to'", "from");
        }
    }

    private static Dictionary<string, Query> FilterQueries(SearchRequest request)
    {
        var result = new Dictionary<string, Query>();
        foreach (var group in request.Filters.GroupBy(f => FacetValues.FieldOf(f.Key)!))
        {
            var values = group.SelectMany(g => g.Value).Where(v => !string.IsNullOrWhiteSpace(v))
                .Select(v => FacetValues.Normalize(group.Key, v)).Distinct().ToList();
            if (values.Count == 0)
            {
                continue;
            }

            var any = new BooleanQuery();
            foreach (var value in values)
            {
                any.Add(new TermQuery(new Term(group.Key, value)), Occur.SHOULD);
            }

            result[group.Key] = any;
        }

        return result;
    }

    private static NumericRangeQuery<int>? DateFilter(SearchRequest request)
    {
        if (request.From is null && request.To is null)
        {
            return null;
        }

        int? min = request.From is { } f ? DocumentMapper.DateValue(f) : null;
        int? max = request.To is { } t ? DocumentMapper.DateValue(t) : null;
        return NumericRangeQuery.NewInt32Range(IndexFields.Date, min, max, true, true);
    }

    private static Query Combine(Query text, Dictionary<string, Query> filters, Query? dateFilter, string? except)
    {
        var clauses = filters.Where(f => f.Key != except).Select(f => f.Value).ToList();
        if (dateFilter is not null)
        {
            clauses.Add(dateFilter);
        }

        if (clauses.Count == 0)
        {
            return text;
        }

        var all = new BooleanQuery();
        foreach (var clause in clauses)
        {
            all.Add(clause, Occur.MUST);
        }

        // Filters restrict without scoring: the ranking stays the text query's.
        return new FilteredQuery(text, new QueryWrapperFilter(all));
    }

    private static List<FacetValue> FacetList(Dictionary<string, int> counts, HashSet<string> selected)
    {
        var values = counts.Select(c => new FacetValue(c.Key, c.Value, selected.Contains(c.Key))).ToList();
        values.AddRange(selected.Where(s => !counts.ContainsKey(s)).Select(s => new FacetValue(s, 0, true)));
        return values.OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal).ToList();
    }

    private static SearchHit ToHit(IndexSearcher searcher, ScoreDoc scoreDoc, Snippets snippets)
    {
        var doc = searcher.Doc(scoreDoc.Doc);
        var metadata = DocumentMapper.MetadataOf(doc);
        var snippet = snippets.Build(scoreDoc.Doc, metadata.Abstract ?? doc.Get(IndexFields.Body));
        var score = float.IsNaN(scoreDoc.Score) ? 0 : scoreDoc.Score;
        return new SearchHit(
            doc.Get(IndexFields.Id) ?? string.Empty,
            doc.Get(IndexFields.Path) ?? string.Empty,
            doc.Get(IndexFields.Title) ?? string.Empty,
            DocumentMetadata.KindCode(metadata.Kind),
            score,
            snippet,
            metadata,
            DocumentMapper.TopicsOf(doc).Select(t => t.Topic).ToList());
    }

    private static Document? Find(IndexSearcher searcher, string idOrNumber)
    {
        var byId = searcher.Search(new TermQuery(new Term(IndexFields.Id, idOrNumber)), 1);
        if (byId.TotalHits > 0)
        {
            return searcher.Doc(byId.ScoreDocs[0].Doc);
        }

        var number = ItuIdentifiers.DocumentNumbers(idOrNumber).FirstOrDefault();
        if (number is not null)
        {
            var byNumber = searcher.Search(new TermQuery(new Term(IndexFields.Number, number.ToLowerInvariant())), 1);
            if (byNumber.TotalHits > 0)
            {
                return searcher.Doc(byNumber.ScoreDocs[0].Doc);
            }
        }

        var prefix = searcher.Search(new PrefixQuery(new Term(IndexFields.Id, idOrNumber + ".")), 2);
        return prefix.TotalHits == 1 ? searcher.Doc(prefix.ScoreDocs[0].Doc) : null;
    }

    private static DocumentDetails Details(Document doc) => new(
        doc.Get(IndexFields.Id) ?? string.Empty,
        doc.Get(IndexFields.Path) ?? string.Empty,
        doc.Get(IndexFields.Format) ?? string.Empty,
        doc.Get(IndexFields.Title) ?? string.Empty,
        DocumentMapper.MetadataOf(doc),
        DocumentMapper.TopicsOf(doc),
        doc.Get(IndexFields.Body) ?? string.Empty);
}
