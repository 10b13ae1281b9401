using System.Diagnostics;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Microsoft.Extensions.Options;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Semantic;

namespace Search.Core.Querying;

/// <summary>A stored document with its text, as <c>show</c> and <c>GET /api/documents/{id}</c> give it.</summary>
public sealed record DocumentDetails(
    string Id,
    string Path,
    string Format,
    string Title,
    DocumentMetadata Metadata,
    IReadOnlyList<Indexing.TopicAssignment> Topics,
    string Text,
    string? TopicsBy = null);

/// <summary>A cited or citing document: its number, and its id and title when it is in the index.</summary>
public sealed record LinkedDocument(string Number, string? Id, string? Title, string? Group, bool Reply);

/// <summary>Citation links of a document.</summary>
public sealed record DocumentLinks(IReadOnlyList<LinkedDocument> Cites, IReadOnlyList<LinkedDocument> CitedBy);

/// <summary>A document related to another by content: its group shows when the relation crosses study groups.</summary>
public sealed record RelatedDocument(
    string Id, string Title, string Kind, string? Number, string? Group, IReadOnlyList<string> StudyGroups, string? StudyPeriod,
    IReadOnlyList<string> Topics, float Similarity, string Passage);

/// <summary>
/// Runs searches against the index: BM25, semantic or hybrid ranking, multi-select facets, date
/// range, sort, paging, snippets. Hybrid and semantic fall back to BM25 (and say so) while the
/// semantic index is not ready.
/// </summary>
public sealed class SearchService(IndexStore store, SemanticIndex semantic, IOptions<SearchOptions> options)
{
    /// <summary>
    /// Runs <paramref name="request"/> within the time budget (<see cref="SearchOptions.QueryTimeoutSeconds"/>)
    /// and the query limits; stops when <paramref name="cancellationToken"/> fires.
    /// </summary>
    /// <exception cref="QueryParseException">The query cannot be parsed.</exception>
    /// <exception cref="InvalidSearchRequestException">A parameter is outside its limits.</exception>
    /// <exception cref="QueryLimitException">The query is over a limit of what it may cost, or over its time budget.</exception>
    public SearchResponse Search(SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        Validate(request);
        var settings = options.Value;
        if (request.Mode != SearchMode.Bm25)
        {
            semantic.LoadModel(); // once per process, outside the budget: loading is not the query's cost
        }

        using var budget = new QueryBudget(TimeSpan.FromSeconds(settings.QueryTimeoutSeconds), cancellationToken);
        return budget.Run(token =>
        {
            try
            {
                return Run(request, QueryLimits.From(settings), clock, token);
            }
            catch (BooleanQuery.TooManyClausesException)
            {
                throw new QueryLimitException($"the query expands to more than {BooleanQuery.MaxClauseCount} terms in one group", nameof(SearchOptions.MaxClauses));
            }
        });
    }

    /// <summary>Checks <paramref name="request"/> against the limits (parameters, query syntax and cost) without searching: no index is read.</summary>
    public void Check(SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        UserQueryParser.Parse(request.Query, QueryLimits.From(options.Value));
    }

    private SearchResponse Run(SearchRequest request, QueryLimits limits, Stopwatch clock, CancellationToken token)
    {
        var textQuery = UserQueryParser.Parse(request.Query, limits, token);
        var filters = FilterQueries(request);
        var dateFilter = DateFilter(request);

        string? notice = null;
        if (request.Mode != SearchMode.Bm25 && textQuery is not MatchAllDocsQuery)
        {
            var status = semantic.Status();
            if (status.Ready)
            {
                var response = SemanticSearch(request, textQuery, filters, dateFilter, limits, clock, token);
                return response with { Mode = request.Mode, RequestedMode = request.Mode };
            }

            notice = status.Enabled
                ? FormattableString.Invariant($"semantic search is not ready ({status.CoveredDocuments} of {status.Documents} documents embedded, {status.State}); showing keyword (bm25) results")
                : "semantic search is switched off; showing keyword (bm25) results";
        }

        return KeywordSearch(request, textQuery, filters, dateFilter, limits, clock, token) with { RequestedMode = request.Mode, Notice = notice };
    }

    private SearchResponse KeywordSearch(SearchRequest request, Query parsed, Dictionary<string, Query> filters, Query? dateFilter, QueryLimits limits, Stopwatch clock, CancellationToken token)
    {
        using var lease = store.Lease();
        var searcher = lease.Searcher;
        var typos = TypoTolerance.Expand(searcher.IndexReader, request.Query, parsed, limits);
        var textQuery = typos.Query;
        var size = request.Page * request.PageSize;
        var sort = request.Sort == SearchSort.Relevance && textQuery is not MatchAllDocsQuery
            ? null
            : new Sort(new SortField(IndexFields.DateSort, SortFieldType.INT64, reverse: request.Sort != SearchSort.DateAscending), SortField.FIELD_SCORE);
        var wanted = FacetFields(request);
        var facets = new Dictionary<string, IReadOnlyList<FacetValue>>();
        var first = (request.Page - 1) * request.PageSize;
        TopDocs docs;
        int total;
        if (sort is null && Disjunction.Of(searcher, textQuery) is { } disjunction)
        {
            docs = Pruned(searcher, disjunction, request, filters, dateFilter, wanted, facets, token);
            total = docs.TotalHits;
        }
        else
        {
            ITopDocsCollector top = sort is null
                ? TopScoreDocCollector.Create(Math.Max(1, size), true)
                : TopFieldCollector.Create(sort, Math.Max(1, size), true, true, false, false);

            // Facets are counted in the one pass that ranks: with selections, the counter sees the matches
            // without them and sorts each document itself (multi-select: each selected facet is counted
            // under every filter but its own). Without facets, the filters go into the query.
            if (wanted.Count == 0)
            {
                searcher.Search(Combine(textQuery, filters, dateFilter, except: null), new BudgetCollector(top, token));
            }
            else
            {
                var selections = Selections(request);
                var counter = new FacetCounter(wanted, selections, top);
                searcher.Search(Combine(textQuery, [], dateFilter, except: null), new BudgetCollector(counter, token));
                AddFacets(facets, counter, selections);
            }

            docs = top.GetTopDocs(first, request.PageSize);
            total = top.TotalHits;
        }

        var snippets = request.IncludeSnippets ? new Snippets(textQuery, searcher.IndexReader, IndexFields.Body) : null;
        var browse = textQuery is MatchAllDocsQuery;
        var explainer = new HitExplainer(searcher.IndexReader, request.Query, typos);
        explainer.Prepare(docs.ScoreDocs.Select(sd => sd.Doc));
        var hits = docs.ScoreDocs.Select((sd, i) =>
        {
            token.ThrowIfCancellationRequested();
            var score = float.IsNaN(sd.Score) || browse ? 0 : sd.Score;
            var scores = browse ? new HitScores(null, null, null, null, 0, false) : new HitScores(score, first + i + 1, null, null, score, false);
            return ToHit(searcher, sd.Doc, score, snippets, null, scores) with { Why = explainer.Explain(sd.Doc, scores, browse) };
        }).ToList();
        return new SearchResponse(request.Query, total, request.Page, request.PageSize, hits, Ordered(facets), clock.Elapsed.TotalMilliseconds)
        {
            Mode = SearchMode.Bm25,
            DidYouMean = typos.DidYouMean,
            TypoMatches = typos.TypoMatches,
            NothingMatchedWell = total == 0 && !browse,
        };
    }

    /// <summary>
    /// A relevance-ranked search for a disjunction (the words users type, OR): per segment, the matches
    /// are gathered as a bit set without scoring (which gives the exact total), the date filter and the
    /// selections are applied to it (or the facets counted from it, with multi-select), and the top k
    /// is found among what is left with MaxScore pruning (<see cref="Disjunction"/>). Same hits, scores,
    /// total and facets as the one-pass search, without scoring every match.
    /// </summary>
    private static TopDocs Pruned(IndexSearcher searcher, Disjunction disjunction, SearchRequest request,
        Dictionary<string, Query> filters, Query? dateFilter, List<string> wanted, Dictionary<string, IReadOnlyList<FacetValue>> facets, CancellationToken token)
    {
        var top = new TopK(Math.Max(1, request.Page * request.PageSize));
        var selections = Selections(request);
        var accepted = new AcceptedDocuments();
        // With selections the counter sorts the matches into hits (passed on to `accepted`); without, every match is one.
        var counter = wanted.Count == 0 ? null : new FacetCounter(wanted, selections, selections.Count == 0 ? null : accepted);
        var total = 0;
        foreach (var context in searcher.IndexReader.Leaves)
        {
            token.ThrowIfCancellationRequested();
            var matches = disjunction.Matches(context, context.AtomicReader.LiveDocs);
            if (dateFilter is not null)
            {
                Restrict(matches, dateFilter, context);
            }

            FixedBitSet hits;
            if (counter is null)
            {
                foreach (var filter in filters.Values)
                {
                    Restrict(matches, filter, context);
                }

                hits = matches;
            }
            else
            {
                counter.SetNextReader(context);
                counter.CollectAll(matches);
                hits = selections.Count == 0 ? matches : accepted.Current!;
            }

            var count = hits.Cardinality;
            total += count;
            if (count > 0)
            {
                disjunction.Rank(context, hits, top, token);
            }
        }

        if (counter is not null)
        {
            AddFacets(facets, counter, selections);
        }

        var first = (request.Page - 1) * request.PageSize;
        return new TopDocs(total, top.Hits(first, request.PageSize), float.NaN);
    }

    /// <summary>Keeps in <paramref name="bits"/> only the documents of one segment that <paramref name="filter"/> matches.</summary>
    internal static void Restrict(FixedBitSet bits, Query filter, AtomicReaderContext context)
    {
        var iterator = new QueryWrapperFilter(filter).GetDocIdSet(context, null)?.GetIterator();
        if (iterator is null)
        {
            bits.Clear(0, bits.Length);
        }
        else
        {
            bits.And(iterator);
        }
    }

    private static void AddFacets(Dictionary<string, IReadOnlyList<FacetValue>> facets, FacetCounter counter, Dictionary<string, IReadOnlySet<string>> selections)
    {
        foreach (var (field, counts) in counter.Counts())
        {
            facets[field] = FacetList(counts, selections.TryGetValue(field, out var selected) ? selected : EmptySelection);
        }
    }

    /// <summary>The documents a <see cref="FacetCounter"/> passes on as hits, as one bit set per segment.</summary>
    private sealed class AcceptedDocuments : ICollector
    {
        public FixedBitSet? Current { get; private set; }

        public bool AcceptsDocsOutOfOrder => true;

        public void SetScorer(Scorer scorer)
        {
        }

        public void SetNextReader(AtomicReaderContext context) => Current = new FixedBitSet(context.AtomicReader.MaxDoc);

        public void Collect(int doc) => Current!.Set(doc);
    }

    /// <summary>
    /// Semantic or hybrid. The documents that match are the keyword (BM25) matches and the documents
    /// whose best passage is at least <see cref="SimilarityThreshold.Default"/> similar to the query;
    /// the total and the facets count exactly those. They are ranked by fusing the two rankings
    /// (<see cref="RankFusion"/>; semantic mode by similarity alone), and a document that matches an
    /// identifier of the query exactly is never ranked below one that does not. When nothing matches,
    /// the total is 0 and the nearest documents are shown under <see cref="SearchResponse.NothingMatchedWell"/>.
    /// </summary>
    private SearchResponse SemanticSearch(SearchRequest request, Query parsed, Dictionary<string, Query> filters, Query? dateFilter, QueryLimits limits, Stopwatch clock, CancellationToken token)
    {
        using var lease = store.Lease();
        var searcher = lease.Searcher;
        var settings = options.Value;
        var typos = TypoTolerance.Expand(searcher.IndexReader, request.Query, parsed, limits);
        var textQuery = typos.Query;
        // The corrected query is embedded only when the query as typed matches nothing: a rare real word
        // ("pretending") is better understood by the model than replaced by a near one ("presenting").
        var embedded = typos.DidYouMean is { } corrected && Count(searcher, parsed, token) == 0 ? corrected : request.Query;
        // Embedded when first needed: hybrid search embeds while it matches the words (HybridSearch).
        var embedding = new Lazy<float[]>(() => semantic.EmbedQuery(SemanticText(embedded), token));
        var vectors = semantic.VectorsFor(lease);
        var (searchable, ordinalOfDoc, docOfOrdinal) = semantic.VectorDocuments(lease, vectors);
        var (identifiers, identifierOnly) = IdentifierQuery(request.Query);

        // A query of identifiers only ("Q15/11", "X.1205 Y.3800") is a look-up: the embedding of a bare
        // identifier carries no meaning, so the keyword ranking orders the hybrid results and only
        // keyword matches count.
        var method = request.Mode == SearchMode.Semantic ? FusionMethod.NormalizedScores : identifierOnly ? FusionMethod.NormalizedScores : settings.Fusion;
        var keywordWeight = request.Mode == SearchMode.Semantic ? 0 : identifierOnly ? 1 : settings.KeywordWeight;
        var threshold = identifierOnly ? float.PositiveInfinity : SimilarityThreshold.Default;

        (List<Candidate> Matches, List<Candidate> Nearest) Pool(Dictionary<string, Query> active)
        {
            // The documents the filters allow, by Lucene doc number (null: every document, with no
            // string per document: at 100,000 documents an id dictionary per query cost tens of ms).
            var restriction = Combine(new MatchAllDocsQuery(), active, dateFilter, except: null);
            var allowed = restriction is MatchAllDocsQuery ? null : DocumentSet.Of(searcher, restriction, token);
            var keywordAll = DocumentCollector.Collect(searcher, Combine(textQuery, active, dateFilter, except: null), token);
            var keyword = request.Mode == SearchMode.Semantic ? [] : keywordAll.Take(settings.FusionDepth).ToList();

            // Every document above the threshold, and at least the fusion depth of nearest ones.
            // (Documents flagged by ordinal: a query neither hashes nor compares document ids per passage.)
            var include = allowed is null ? searchable : new bool[vectors.DocumentCount]; // unfiltered: the shared flags, read only
            for (var doc = 0; allowed is not null && doc < ordinalOfDoc.Length; doc++)
            {
                if (ordinalOfDoc[doc] is var o and >= 0 && allowed.Get(doc))
                {
                    include[o] = true;
                }
            }

            var keywordDocs = keywordAll.ToDictionary(k => k.Id, k => k.Doc, StringComparer.Ordinal);
            int DocOf(string id) => keywordDocs.TryGetValue(id, out var doc) ? doc : docOfOrdinal[vectors.OrdinalOf(id)];

            var similar = vectors.Search(embedding.Value, include, Math.Max(settings.FusionDepth, request.PageSize), threshold).ToList();
            // Semantic mode orders the keyword matches beyond both by similarity: theirs, exact. Every one of
            // them is less similar than every document the vector search gave, so when the page lies among
            // those that match, the rest is not shown and not scored (at 100,000 documents, scoring 70,000
            // keyword matches' passages took a second a query). Sorted by date, or with identifiers (moved
            // first, in the order of their similarity), every match is scored.
            var pageEnd = request.Page * request.PageSize;
            var pageAmongScored = request.Sort == SearchSort.Relevance && identifiers is null && !ExhaustiveHybrid
                && similar.Count(x => x.Score >= threshold || keywordDocs.ContainsKey(x.DocumentId)) >= pageEnd;
            if (request.Mode == SearchMode.Semantic && !pageAmongScored)
            {
                var scored = similar.Select(s => s.DocumentId).ToHashSet(StringComparer.Ordinal);
                similar.AddRange(keywordAll.Where(k => !scored.Contains(k.Id) && ordinalOfDoc[k.Doc] >= 0 && include[ordinalOfDoc[k.Doc]])
                    .Select(k => vectors.Score(embedding.Value, ordinalOfDoc[k.Doc])).OrderByDescending(s => s.Score).ThenBy(s => s.DocumentId, StringComparer.Ordinal));
            }

            var fused = RankFusion.Fuse(
                keyword.Select(k => (k.Id, k.Score)).ToList(),
                similar.Take(settings.FusionDepth).Select(s => (s.DocumentId, s.Score)).ToList(),
                method,
                keywordWeight);
            var exact = identifiers is null ? [] : DocumentCollector.Collect(searcher, Combine(identifiers, active, dateFilter, except: null), token).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
            var similarity = similar.ToDictionary(s => s.DocumentId, StringComparer.Ordinal);
            var similarityRank = similar.Select((x, i) => (x.DocumentId, Rank: i + 1)).ToDictionary(x => x.DocumentId, x => x.Rank, StringComparer.Ordinal);
            var keywordRank = keywordAll.Select((k, i) => (k.Id, k.Score, Rank: i + 1)).ToDictionary(k => k.Id, StringComparer.Ordinal);
            bool Matches(string id) => keywordRank.ContainsKey(id) || (similarity.TryGetValue(id, out var s) && s.Score >= threshold);

            // The fused ranking, then the matches beyond the fusion depth of both rankings (keyword
            // matches by BM25, then documents above the threshold by similarity).
            var ranked = fused.Where(f => Matches(f.DocumentId)).ToList();
            var inFused = ranked.Select(f => f.DocumentId).ToHashSet(StringComparer.Ordinal);
            ranked.AddRange(keywordAll.Where(k => !inFused.Contains(k.Id)).Select(k =>
                new FusedScore(k.Id, double.NegativeInfinity, k.Score, keywordRank[k.Id].Rank, similarity.GetValueOrDefault(k.Id)?.Score, null)));
            inFused = ranked.Select(f => f.DocumentId).ToHashSet(StringComparer.Ordinal);
            ranked.AddRange(similar.Where(x => !inFused.Contains(x.DocumentId) && Matches(x.DocumentId)).Select(x =>
                new FusedScore(x.DocumentId, double.NegativeInfinity, null, null, x.Score, null)));
            if (request.Mode == SearchMode.Semantic)
            {
                ranked = ranked.OrderByDescending(f => similarity.GetValueOrDefault(f.DocumentId)?.Score ?? float.MinValue).ToList();
            }

            Candidate ToCandidate(FusedScore f)
            {
                var s = similarity.GetValueOrDefault(f.DocumentId);
                var k = keywordRank.GetValueOrDefault(f.DocumentId);
                int? semanticRank = s is null ? null : similarityRank[f.DocumentId];
                var full = f with { Keyword = k.Id is null ? null : k.Score, KeywordRank = k.Id is null ? null : k.Rank, Semantic = s?.Score, SemanticRank = semanticRank };
                return new Candidate(DocOf(f.DocumentId), full, exact.Contains(f.DocumentId), s?.Passage);
            }

            var matches = ranked.Select(ToCandidate)
                .OrderByDescending(c => c.IdentifierMatch) // stable: the fused order holds within each group
                .ToList();
            var nearest = matches.Count > 0 ? [] : similar.Take(request.PageSize).Select(x => ToCandidate(new FusedScore(x.DocumentId, x.Score, null, null, x.Score, null))).ToList();
            return (matches, nearest);
        }

        var explainer = new HitExplainer(searcher.IndexReader, request.Query, typos);
        if (request.Mode == SearchMode.Hybrid && request.Sort == SearchSort.Relevance && !ExhaustiveHybrid)
        {
            var context = new HybridContext(searcher, request, textQuery, filters, dateFilter, vectors, embedding, searchable, ordinalOfDoc, docOfOrdinal, identifiers, method, keywordWeight, threshold);
            return HybridSearch(context, explainer, typos, clock, token);
        }

        var (pool, nearestDocuments) = Pool(filters);
        var nothing = pool.Count == 0;
        if (request.Mode == SearchMode.Hybrid)
        {
            // The only keyword match of a word of the query is kept in the first positions (as the best keyword match is in RankFusion).
            foreach (var doc in explainer.SoleMatches().Take(RankFusion.KeywordBestPosition))
            {
                var at = pool.FindIndex(c => c.Doc == doc);
                if (at >= RankFusion.KeywordBestPosition)
                {
                    var sole = pool[at];
                    pool.RemoveAt(at);
                    pool.Insert(RankFusion.KeywordBestPosition - 1, sole);
                }
            }
        }

        if (request.Sort != SearchSort.Relevance)
        {
            var dates = DateValues(searcher.IndexReader);
            pool = (request.Sort == SearchSort.DateAscending ? pool.OrderBy(c => dates(c.Doc)) : pool.OrderByDescending(c => dates(c.Doc))).ToList();
        }

        var facets = new Dictionary<string, IReadOnlyList<FacetValue>>();
        // Multi-select as in keyword search: whether a document matches does not depend on the filters,
        // so the matches without them (the pool itself when there is none) are counted once, each
        // selected facet under every selection but its own.
        var wantedFacets = FacetFields(request);
        if (wantedFacets.Count > 0)
        {
            var selections = Selections(request);
            var counted = filters.Count == 0 ? pool : Pool([]).Matches;
            var (counts, _) = FacetCounter.CountDocuments(searcher.IndexReader, counted.Select(c => c.Doc), wantedFacets, selections);
            foreach (var (field, values) in counts)
            {
                facets[field] = FacetList(values, selections.TryGetValue(field, out var selected) ? selected : EmptySelection);
            }
        }

        var first = (request.Page - 1) * request.PageSize;
        var snippets = request.IncludeSnippets ? new Snippets(textQuery, searcher.IndexReader, IndexFields.Body) : null;
        var shown = nothing ? (request.Page == 1 ? nearestDocuments : []) : pool.Skip(first).Take(request.PageSize).ToList();
        explainer.Prepare(shown.Select(c => c.Doc));
        var hits = shown.Select(c =>
        {
            token.ThrowIfCancellationRequested();
            var f = c.Fused;
            var fusedScore = double.IsNegativeInfinity(f.Score) ? 0 : Math.Round(f.Score, 6);
            var scores = new HitScores(f.Keyword, f.KeywordRank, f.Semantic, f.SemanticRank, fusedScore, c.IdentifierMatch);
            return ToHit(searcher, c.Doc, (float)fusedScore, f.KeywordRank is null ? null : snippets, c.Passage?.Text, scores) with { Why = explainer.Explain(c.Doc, scores, browse: false) };
        }).ToList();
        return new SearchResponse(request.Query, pool.Count, request.Page, request.PageSize, hits, Ordered(facets), clock.Elapsed.TotalMilliseconds)
        {
            DidYouMean = typos.DidYouMean,
            TypoMatches = typos.TypoMatches,
            NothingMatchedWell = nothing,
        };
    }

    /// <summary>
    /// For tests: rank every keyword match of a hybrid search, as before <see cref="HybridSearch"/>, and
    /// score every keyword match of a semantic search by similarity, whatever the page (the references the fast paths are compared with).
    /// </summary>
    internal bool ExhaustiveHybrid { get; set; }

    private sealed record HybridContext(
        IndexSearcher Searcher, SearchRequest Request, Query TextQuery, Dictionary<string, Query> Filters, Query? DateFilter,
        VectorStore Vectors, Lazy<float[]> QueryVector, bool[] Searchable, int[] OrdinalOfDoc, int[] DocOfOrdinal, BooleanQuery? Identifiers,
        FusionMethod Method, double KeywordWeight, float Threshold);

    /// <summary>One entry of the hybrid ranking, by Lucene doc number.</summary>
    private readonly record struct Ranked(int Doc, string? Id, double Fused);

    /// <summary>
    /// Hybrid search ranked only as deep as the page: the same results as ranking every match
    /// (<see cref="ExhaustiveHybrid"/>; a test compares them), in this order: the fused ranking (the top
    /// <see cref="SearchOptions.FusionDepth"/> of each side) restricted to documents that match, then the
    /// other keyword matches by BM25, then the other documents above the similarity threshold by
    /// similarity; exact identifier matches first. The keyword matches are bit sets and only the best
    /// are ranked (<see cref="KeywordSide"/>); the total and the facets count the bit sets and the
    /// documents above the threshold, without a string or a score per match.
    /// </summary>
    private SearchResponse HybridSearch(HybridContext c, HitExplainer explainer, TypoResult typos, Stopwatch clock, CancellationToken token)
    {
        var settings = options.Value;
        var request = c.Request;
        var searcher = c.Searcher;
        var reader = searcher.IndexReader;
        var wantedFacets = FacetFields(request);
        var countUnfiltered = wantedFacets.Count > 0 && c.Filters.Count > 0;
        var first = (request.Page - 1) * request.PageSize;

        // The vector side: the fusion depth of nearest documents and every one above the threshold, among those the filters allow.
        List<DocumentSimilarity> Similar(bool filtered)
        {
            var restriction = Combine(new MatchAllDocsQuery(), filtered ? c.Filters : new Dictionary<string, Query>(), c.DateFilter, except: null);
            if (restriction is MatchAllDocsQuery)
            {
                // Every document with current vectors: the shared flags, read only.
                return c.Vectors.Search(c.QueryVector.Value, c.Searchable, Math.Max(settings.FusionDepth, request.PageSize), c.Threshold).ToList();
            }

            var allowed = DocumentSet.Of(searcher, restriction, token);
            var documents = c.Vectors.DocumentCount;
            var include = System.Buffers.ArrayPool<bool>.Shared.Rent(documents); // not a new large object per search
            try
            {
                Array.Clear(include, 0, documents);
                for (var doc = allowed.Length == 0 ? -1 : allowed.NextSetBit(0); doc >= 0; doc = doc + 1 < allowed.Length ? allowed.NextSetBit(doc + 1) : -1)
                {
                    if (c.OrdinalOfDoc[doc] is var o and >= 0)
                    {
                        include[o] = true;
                    }
                }

                return c.Vectors.Search(c.QueryVector.Value, include, Math.Max(settings.FusionDepth, request.PageSize), c.Threshold).ToList();
            }
            finally
            {
                System.Buffers.ArrayPool<bool>.Shared.Return(include);
            }
        }

        int DocOf(string id) => c.DocOfOrdinal[c.Vectors.OrdinalOf(id)];

        // The two sides at once: the query embedded and the vectors scanned on this thread (the longer side;
        // the scan takes another thread too) while the words are matched and ranked on another. Parallel.Invoke
        // runs its first action here and then waits for the others: with the shorter side first, this thread
        // spun on the longer one instead of scanning.
        KeywordSide keyword = null!;
        List<DocumentSimilarity> similar = null!;
        var depth = settings.FusionDepth; // ranked deeper below when the page needs it
        try
        {
            Parallel.Invoke(
                new ParallelOptions { CancellationToken = token },
                () => similar = Similar(filtered: true),
                () =>
                {
                    keyword = KeywordSide.Build(searcher, c.TextQuery, Combine(c.TextQuery, c.Filters, c.DateFilter, except: null), c.Filters.Values, c.DateFilter, countUnfiltered, token);
                    keyword.Top(depth, token);
                });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count >= 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
        }

        var similarity = new Dictionary<int, (DocumentSimilarity Similar, int Rank)>(similar.Count);
        for (var i = 0; i < similar.Count; i++)
        {
            similarity[DocOf(similar[i].DocumentId)] = (similar[i], i + 1);
        }

        bool AboveThreshold(int doc) => similarity.TryGetValue(doc, out var s) && s.Similar.Score >= c.Threshold;
        bool Matches(int doc) => keyword.Contains(doc) || AboveThreshold(doc);

        var depthTop = keyword.Top(settings.FusionDepth, token);
        var keywordIds = depthTop.Select(d => keyword.IdOf(d.Doc)).ToList();
        var docOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < depthTop.Count; i++)
        {
            docOfId[keywordIds[i]] = depthTop[i].Doc;
        }

        foreach (var s in similar.Take(settings.FusionDepth))
        {
            docOfId.TryAdd(s.DocumentId, DocOf(s.DocumentId));
        }

        var fused = RankFusion.Fuse(
            depthTop.Select((d, i) => (keywordIds[i], d.Score)).ToList(),
            similar.Take(settings.FusionDepth).Select(s => (s.DocumentId, s.Score)).ToList(),
            c.Method,
            c.KeywordWeight);
        var head = fused.Select(f => new Ranked(docOfId[f.DocumentId], f.DocumentId, f.Score)).Where(r => Matches(r.Doc)).ToList();
        var inHead = head.Select(r => r.Doc).ToHashSet();

        var exact = c.Identifiers is null ? null : DocumentSet.Of(searcher, Combine(c.Identifiers, c.Filters, c.DateFilter, except: null), token);
        var exactInPool = 0;
        for (var doc = 0; exact is not null && doc < exact.Length; doc++)
        {
            if (exact.Get(doc) && Matches(doc))
            {
                exactInPool++;
            }
        }

        var aboveOnly = similar.Where(s => s.Score >= c.Threshold && !keyword.Contains(DocOf(s.DocumentId))).ToList();
        var total = keyword.Count + aboveOnly.Count;
        var needed = Math.Max(first + request.PageSize, RankFusion.KeywordBestPosition);

        // The ranking as deep as needed: the head, the keyword matches by BM25, then (once they are all
        // listed) the documents above the threshold; exact identifier matches moved first, in that order.
        // Ranked deeper when the identifier matches of the page are not all listed yet.
        List<Ranked> ranking;
        IReadOnlyList<ScoreDoc> top;
        for (; ; depth *= 4)
        {
            top = keyword.Top(depth, token);
            var listed = new List<Ranked>(head);
            listed.AddRange(top.Where(t => !inHead.Contains(t.Doc)).Select(t => new Ranked(t.Doc, null, double.NegativeInfinity)));
            var complete = top.Count == keyword.Count;
            if (complete)
            {
                listed.AddRange(aboveOnly.Select(s => DocOf(s.DocumentId)).Where(d => !inHead.Contains(d)).Select(d => new Ranked(d, null, double.NegativeInfinity)));
            }

            var exactListed = exact is null ? [] : listed.Where(r => exact.Get(r.Doc)).ToList();
            var others = exact is null ? listed : listed.Where(r => !exact.Get(r.Doc)).ToList();
            ranking = [.. exactListed, .. others];
            if (complete || exactListed.Count >= needed || (exactListed.Count == exactInPool && others.Count >= needed))
            {
                break;
            }
        }

        // The only keyword match of a word of the query is kept in the first positions (as the best keyword match is in RankFusion);
        // one not listed yet is in the pool further down.
        foreach (var doc in explainer.SoleMatches().Take(RankFusion.KeywordBestPosition))
        {
            var at = ranking.FindIndex(r => r.Doc == doc);
            if (at < 0 && Matches(doc))
            {
                ranking.Insert(RankFusion.KeywordBestPosition - 1, new Ranked(doc, null, double.NegativeInfinity));
            }
            else if (at >= RankFusion.KeywordBestPosition)
            {
                var sole = ranking[at];
                ranking.RemoveAt(at);
                ranking.Insert(RankFusion.KeywordBestPosition - 1, sole);
            }
        }

        var keywordRank = new Dictionary<int, (float Score, int Rank)>(top.Count);
        for (var i = 0; i < top.Count; i++)
        {
            keywordRank[top[i].Doc] = (top[i].Score, i + 1);
        }

        // Keyword matches shown from below the ranked ones: their scores, in one pass.
        var page = total == 0 ? [] : ranking.Skip(first).Take(request.PageSize).ToList();
        var deep = keyword.ScoresOf(page.Where(r => !keywordRank.ContainsKey(r.Doc) && keyword.Contains(r.Doc)).Select(r => r.Doc));

        Candidate ToCandidate(Ranked r)
        {
            var id = r.Id ?? keyword.IdOf(r.Doc);
            var s = similarity.TryGetValue(r.Doc, out var found) ? found : default;
            float? keywordScore = null;
            int? rank = null;
            int? over = null;
            if (keywordRank.TryGetValue(r.Doc, out var k))
            {
                (keywordScore, rank) = k;
            }
            else if (deep.TryGetValue(r.Doc, out var score))
            {
                keywordScore = score;
                over = top.Count;
            }

            var fusedScore = new FusedScore(id, r.Fused, keywordScore, rank, s.Similar?.Score, s.Similar is null ? null : s.Rank);
            return new Candidate(r.Doc, fusedScore, exact is not null && exact.Get(r.Doc), s.Similar?.Passage) { KeywordRankOver = over };
        }

        var nothing = total == 0;
        var shown = nothing
            ? (request.Page == 1 ? similar.Take(request.PageSize).Select(x => ToCandidate(new Ranked(DocOf(x.DocumentId), x.DocumentId, x.Score))).ToList() : [])
            : page.Select(ToCandidate).ToList();

        var facets = new Dictionary<string, IReadOnlyList<FacetValue>>();
        if (wantedFacets.Count > 0)
        {
            // Multi-select as in keyword search: the matches without the filters (the pool itself when
            // there is none), each selected facet counted under every selection but its own.
            var selections = Selections(request);
            var counted = countUnfiltered ? Similar(filtered: false) : similar;
            var above = counted.Where(s => s.Score >= c.Threshold).Select(s => DocOf(s.DocumentId)).Order().ToList();
            var counter = new FacetCounter(wantedFacets, selections);
            var next = 0;
            var leaves = reader.Leaves;
            for (var i = 0; i < leaves.Count; i++)
            {
                var bits = keyword.Segment(i, countUnfiltered);
                var end = leaves[i].DocBase + leaves[i].AtomicReader.MaxDoc;
                if (next < above.Count && above[next] < end)
                {
                    bits = bits.Clone();
                    for (; next < above.Count && above[next] < end; next++)
                    {
                        bits.Set(above[next] - leaves[i].DocBase);
                    }
                }

                counter.SetNextReader(leaves[i]);
                counter.CollectAll(bits);
            }

            foreach (var (field, values) in counter.Counts())
            {
                facets[field] = FacetList(values, selections.TryGetValue(field, out var selected) ? selected : EmptySelection);
            }
        }

        var snippets = request.IncludeSnippets ? new Snippets(c.TextQuery, reader, IndexFields.Body) : null;
        explainer.Prepare(shown.Select(x => x.Doc));
        var hits = shown.Select(x =>
        {
            token.ThrowIfCancellationRequested();
            var f = x.Fused;
            var fusedScore = double.IsNegativeInfinity(f.Score) ? 0 : Math.Round(f.Score, 6);
            var scores = new HitScores(f.Keyword, f.KeywordRank, f.Semantic, f.SemanticRank, fusedScore, x.IdentifierMatch) { KeywordRankOver = x.KeywordRankOver };
            return ToHit(searcher, x.Doc, (float)fusedScore, f.Keyword is null ? null : snippets, x.Passage?.Text, scores) with { Why = explainer.Explain(x.Doc, scores, browse: false) };
        }).ToList();
        return new SearchResponse(request.Query, total, request.Page, request.PageSize, hits, Ordered(facets), clock.Elapsed.TotalMilliseconds)
        {
            DidYouMean = typos.DidYouMean,
            TypoMatches = typos.TypoMatches,
            NothingMatchedWell = nothing,
        };
    }

    private static int Count(IndexSearcher searcher, Query query, CancellationToken token)
    {
        var count = new TotalHitCountCollector();
        searcher.Search(query, new BudgetCollector(count, token));
        return count.TotalHits;
    }

    private sealed record Candidate(int Doc, FusedScore Fused, bool IdentifierMatch, PassageEntry? Passage)
    {
        /// <summary>Set when the document is a keyword match ranked below this many (its rank was not worked out).</summary>
        public int? KeywordRankOver { get; init; }
    }

    /// <summary>The query's identifiers (<c>Q15/11</c>, <c>X.1205</c>) as a query over the searched fields (null when it has none), and whether the query has nothing else.</summary>
    private static (BooleanQuery? Query, bool IdentifierOnly) IdentifierQuery(string text)
    {
        var ids = new List<string>();
        var words = 0;
        using (var stream = IndexStore.QueryAnalyzer.GetTokenStream(IndexFields.Body, text))
        {
            var term = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
            var type = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.ITypeAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                if (type.Type == ItuTokenizer.IdentifierType)
                {
                    ids.Add(term.ToString());
                }
                else
                {
                    words++;
                }
            }

            stream.End();
        }

        if (ids.Count == 0)
        {
            return (null, false);
        }

        var query = new BooleanQuery();
        foreach (var id in ids.Distinct())
        {
            foreach (var field in IndexFields.SearchedFields.Keys)
            {
                query.Add(new TermQuery(new Term(field, id)), Occur.SHOULD);
            }
        }

        return (query, words == 0);
    }

    /// <summary>The words of a query for the embedding model: field prefixes and operators removed.</summary>
    public static string SemanticText(string query)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(query, @"\b[A-Za-z_]+:", " ");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\b(AND|OR|NOT)\b|[""()*?~^+\[\]{}]", " ");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();
        return text.Length == 0 ? query : text;
    }

    private static Func<int, long> DateValues(IndexReader reader)
    {
        var values = MultiDocValues.GetNumericValues(reader, IndexFields.DateSort);
        return doc => values?.Get(doc) ?? 0;
    }

    private static Dictionary<string, IReadOnlyList<FacetValue>> Ordered(Dictionary<string, IReadOnlyList<FacetValue>> facets) =>
        IndexFields.Facets.Where(facets.ContainsKey).ToDictionary(f => f, f => facets[f]);

    /// <summary>Documents nearest to a document by content, itself excluded, each with its study groups; empty until semantic search is ready.</summary>
    public IReadOnlyList<RelatedDocument> Related(string id, int limit)
    {
        ArgumentNullException.ThrowIfNull(id);
        var related = semantic.Related(id, limit);
        using var lease = store.Lease();
        var result = new List<RelatedDocument>();
        foreach (var r in related)
        {
            var doc = Find(lease.Searcher, r.DocumentId);
            if (doc is null)
            {
                continue;
            }

            var m = DocumentMapper.MetadataOf(doc);
            result.Add(new RelatedDocument(r.DocumentId, doc.Get(IndexFields.Title) ?? string.Empty, DocumentMetadata.KindCode(m.Kind), m.Number, m.Group,
                m.StudyGroups, m.StudyPeriod, DocumentMapper.TopicsOf(doc).Select(t => t.Topic).ToList(), MathF.Round(r.Score, 4), r.Passage.Text));
        }

        return result;
    }

    /// <summary>The documents a document cites (resolved to indexed documents where possible) and those that cite it.</summary>
    public DocumentLinks? Links(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        using var lease = store.Lease();
        var searcher = lease.Searcher;
        var doc = Find(searcher, id);
        if (doc is null)
        {
            return null;
        }

        var m = DocumentMapper.MetadataOf(doc);
        var cites = new List<LinkedDocument>();
        foreach (var number in m.RepliesTo.Concat(m.References.Documents).Distinct())
        {
            var target = ItuIdentifiers.DocumentNumbers(number).Any() ? Find(searcher, number) : null;
            cites.Add(target is null
                ? new LinkedDocument(number, null, null, null, m.RepliesTo.Contains(number))
                : new LinkedDocument(number, target.Get(IndexFields.Id), target.Get(IndexFields.Title), DocumentMapper.MetadataOf(target).Group, m.RepliesTo.Contains(number)));
        }

        // Cited Recommendations that are indexed (X.1205 resolves to Recommendation X.1205 itself, not to an amendment of it).
        foreach (var number in m.References.Recommendations.Where(r => !r.Contains('–', StringComparison.Ordinal)).Distinct())
        {
            if (FindRecommendation(searcher, number) is { } target && target.Get(IndexFields.Id) != doc.Get(IndexFields.Id))
            {
                cites.Add(new LinkedDocument(number, target.Get(IndexFields.Id), target.Get(IndexFields.Title), DocumentMapper.MetadataOf(target).Group, false));
            }
        }

        var citedBy = new List<LinkedDocument>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { doc.Get(IndexFields.Id) ?? string.Empty };
        var ownNumbers = (m.Recommendation?.Numbers ?? []).Prepend(m.Number).OfType<string>().Distinct().ToList();
        foreach (var own in ownNumbers)
        {
            var hits = searcher.Search(new TermQuery(new Term(IndexFields.References, own.ToLowerInvariant())), 200);
            foreach (var sd in hits.ScoreDocs)
            {
                var other = searcher.Doc(sd.Doc);
                var otherId = other.Get(IndexFields.Id);
                if (otherId is null || !seen.Add(otherId))
                {
                    continue;
                }

                var om = DocumentMapper.MetadataOf(other);
                citedBy.Add(new LinkedDocument(om.Number ?? otherId, otherId, other.Get(IndexFields.Title), om.Group, om.RepliesTo.Contains(own)));
            }
        }

        return new DocumentLinks(cites, citedBy.OrderBy(c => c.Number, StringComparer.Ordinal).ToList());
    }

    /// <summary>Most suggestions <see cref="Suggest"/> gives.</summary>
    public const int MaxSuggestions = 20;

    /// <summary>
    /// Autocomplete for what is being typed: document numbers, Recommendations, Questions, acronyms,
    /// titles and words starting with <paramref name="text"/>, from the current index generation's
    /// <see cref="Vocabulary"/> (built once per generation, then a binary search).
    /// </summary>
    /// <exception cref="InvalidSearchRequestException"><paramref name="limit"/> is not 1 to <see cref="MaxSuggestions"/>, or the text is too long.</exception>
    public SuggestResponse Suggest(string text, int limit = 8)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (limit is < 1 or > MaxSuggestions)
        {
            throw new InvalidSearchRequestException($"limit must be between 1 and {MaxSuggestions}", "limit");
        }

        if (text.Length > options.Value.MaxQueryLength)
        {
            throw new InvalidSearchRequestException($"the text is {text.Length} characters long; the limit is {options.Value.MaxQueryLength}", "q");
        }

        using var lease = store.Lease();
        return new SuggestResponse(text, Vocabulary.Of(lease.Searcher.IndexReader).Suggest(text, limit));
    }

    /// <summary>Facet counts over every document (or over those matching the filters).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Facets(IReadOnlyDictionary<string, IReadOnlyList<string>>? filters = null, CancellationToken cancellationToken = default) =>
        Search(new SearchRequest { Filters = filters ?? new Dictionary<string, IReadOnlyList<string>>(), PageSize = 1 }, cancellationToken).Facets;

    /// <summary>Whether a document of the index has <paramref name="value"/> (indexed form) in facet <paramref name="field"/>: one term look-up.</summary>
    public bool HasFacetValue(string field, string value)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(value);
        using var lease = store.Lease();
        return lease.Searcher.IndexReader.DocFreq(new Term(field, value)) > 0;
    }

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
        return LiveDocuments.Read(reader).Select(d => Details(d.Stored)).ToList().OrderBy(d => d.Id, StringComparer.Ordinal);
    }

    public int Count()
    {
        using var lease = store.Lease();
        return lease.Searcher.IndexReader.NumDocs;
    }

    /// <summary>
    /// Whether typo tolerance and "did you mean" have their vocabulary for the current index generation;
    /// asking starts building it (in the background above <see cref="Vocabulary.InlineBuildLimit"/> documents).
    /// </summary>
    public bool VocabularyReady()
    {
        using var lease = store.Lease();
        return Vocabulary.Ready(lease.Searcher.IndexReader) is not null;
    }

    /// <summary>
    /// Whether the background work a new index generation starts is done: the typo vocabulary
    /// (<see cref="VocabularyReady"/>) and the ranking's block bounds of frequent terms
    /// (<see cref="Disjunction.BlocksReady"/>); asking starts them. Until then searches answer, a little slower.
    /// </summary>
    public bool WarmedUp()
    {
        using var lease = store.Lease();
        var blocks = Disjunction.BlocksReady(lease.Searcher, IndexFields.SearchedFields.Keys);
        return Vocabulary.Ready(lease.Searcher.IndexReader) is not null && blocks;
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

        foreach (var (name, values) in request.Filters)
        {
            if (values.Count > settings.MaxFacetValues)
            {
                throw new InvalidSearchRequestException($"{values.Count} values of facet '{name}' are selected; the limit is {settings.MaxFacetValues} (MaxFacetValues)", name);
            }
        }

        if (request.From is { } from && request.To is { } to && from > to)
        {
            throw new InvalidSearchRequestException("'from' is after 'to'", "from");
        }
    }

    private static readonly HashSet<string> EmptySelection = [];

    /// <summary>The facets to count: none without facets, else those asked for (every facet by default), in display order.</summary>
    private static List<string> FacetFields(SearchRequest request) =>
        !request.IncludeFacets ? [] : request.FacetFields is null ? [.. IndexFields.Facets] : IndexFields.Facets.Where(request.FacetFields.Contains).ToList();

    /// <summary>The selected values of each facet, in their indexed form (facets without a value left out).</summary>
    private static Dictionary<string, IReadOnlySet<string>> Selections(SearchRequest request)
    {
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var group in request.Filters.GroupBy(f => FacetValues.FieldOf(f.Key)!))
        {
            var values = group.SelectMany(g => g.Value).Where(v => !string.IsNullOrWhiteSpace(v))
                .Select(v => FacetValues.Normalize(group.Key, v)).ToHashSet(StringComparer.Ordinal);
            if (values.Count > 0)
            {
                result[group.Key] = values;
            }
        }

        return result;
    }

    private static Dictionary<string, Query> FilterQueries(SearchRequest request)
    {
        var result = new Dictionary<string, Query>();
        foreach (var (field, values) in Selections(request))
        {
            var any = new BooleanQuery();
            foreach (var value in values.Order(StringComparer.Ordinal))
            {
                any.Add(new TermQuery(new Term(field, value)), Occur.SHOULD);
            }

            result[field] = any;
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

    private static List<FacetValue> FacetList(Dictionary<string, int> counts, IReadOnlySet<string> selected)
    {
        var values = counts.Select(c => new FacetValue(c.Key, c.Value, selected.Contains(c.Key))).ToList();
        values.AddRange(selected.Where(s => !counts.ContainsKey(s)).Select(s => new FacetValue(s, 0, true)));
        return values.OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal).ToList();
    }

    private static SearchHit ToHit(IndexSearcher searcher, int docId, float score, Snippets? snippets, string? passage, HitScores scores)
    {
        var hit = HitDocuments.Of(searcher, docId);
        var doc = hit.Stored;
        var metadata = hit.Metadata;
        var body = hit.Body;
        string Fallback() => (passage is not null && !Snippets.IsHeaderOrContact(passage) ? passage : null) ?? hit.Lead;
        var snippet = snippets?.Build(docId, Fallback, body, doc.Get(IndexFields.Boilerplate)) ?? Snippets.Plain(Fallback());
        return new SearchHit(
            doc.Get(IndexFields.Id) ?? string.Empty,
            doc.Get(IndexFields.Path) ?? string.Empty,
            doc.Get(IndexFields.Title) ?? string.Empty,
            DocumentMetadata.KindCode(metadata.Kind),
            score,
            snippet,
            metadata,
            hit.Topics,
            scores);
    }

    private static Document? Find(IndexSearcher searcher, string idOrNumber)
    {
        var byId = searcher.Search(new TermQuery(new Term(IndexFields.Id, idOrNumber)), 1);
        if (byId.TotalHits > 0)
        {
            return searcher.Doc(byId.ScoreDocs[0].Doc);
        }

        // A number is looked up only when it is the whole of what was asked ("SG17-LS269", "sg17-ls0269"):
        // "TSAG-LS0027.docx/../../etc/passwd" names no document, although a number can be read in it.
        var number = ItuIdentifiers.DocumentNumbers(idOrNumber).FirstOrDefault();
        if (number is not null && string.Equals(Canonical(number), Canonical(idOrNumber), StringComparison.Ordinal))
        {
            var byNumber = searcher.Search(new TermQuery(new Term(IndexFields.Number, number.ToLowerInvariant())), 1);
            if (byNumber.TotalHits > 0)
            {
                return searcher.Doc(byNumber.ScoreDocs[0].Doc);
            }
        }

        if (FindRecommendation(searcher, idOrNumber.Trim()) is { } recommendation)
        {
            return recommendation;
        }

        var prefix = searcher.Search(new PrefixQuery(new Term(IndexFields.Id, idOrNumber + ".")), 2);
        return prefix.TotalHits == 1 ? searcher.Doc(prefix.ScoreDocs[0].Doc) : null;
    }

    /// <summary>The indexed Recommendation with this number (<c>X.1205</c>, or its second number <c>Q.3955</c>): the Recommendation itself before its amendments, annexes or guides, the latest first.</summary>
    private static Document? FindRecommendation(IndexSearcher searcher, string number)
    {
        var m = ItuIdentifiers.Recommendation().Match(number);
        if (!m.Success || m.Index != 0 || m.Length != number.Length)
        {
            return null;
        }

        var query = new BooleanQuery
        {
            { new TermQuery(new Term(IndexFields.Number, ItuIdentifiers.NormalizeRecommendation(m).ToLowerInvariant())), Occur.MUST },
            { new TermQuery(new Term(IndexFields.Kind, DocumentMetadata.KindCode(DocumentKind.Recommendation))), Occur.MUST },
        };
        var hits = searcher.Search(query, 20);
        return hits.ScoreDocs.Select(sd => searcher.Doc(sd.Doc))
            .OrderBy(d => DocumentMapper.MetadataOf(d).Recommendation?.SubKind is null ? 0 : 1)
            .ThenByDescending(d => DocumentMapper.MetadataOf(d).Date)
            .FirstOrDefault();
    }

    /// <summary>A document number compared loosely: case, surrounding space and leading zeros do not count.</summary>
    private static string Canonical(string number) =>
        System.Text.RegularExpressions.Regex.Replace(number.Trim().ToUpperInvariant(), @"(?<!\d)0+(?=\d)", string.Empty);

    private static DocumentDetails Details(Document doc) => new(
        doc.Get(IndexFields.Id) ?? string.Empty,
        doc.Get(IndexFields.Path) ?? string.Empty,
        doc.Get(IndexFields.Format) ?? string.Empty,
        doc.Get(IndexFields.Title) ?? string.Empty,
        DocumentMapper.MetadataOf(doc),
        DocumentMapper.TopicsOf(doc),
        doc.Get(IndexFields.Body) ?? string.Empty,
        doc.Get(IndexFields.TopicsBy));
}
