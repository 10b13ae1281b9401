using System.Diagnostics;
using Lucene.Net.Index;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Search.Core.Indexing;

namespace Search.Core.Semantic;

/// <summary>Where semantic search stands: ready or not, how much of the index its vectors cover, and build progress.</summary>
public sealed record SemanticStatus(
    bool Enabled,
    bool Ready,
    string State,
    int Documents,
    int CoveredDocuments,
    int Passages,
    int PassagesToEmbed,
    int PassagesEmbedded,
    double? PassagesPerSecond,
    double? EtaSeconds,
    string? Error);

/// <summary>Progress of an embedding run.</summary>
public sealed record EmbeddingProgress(int Done, int Total, double PassagesPerSecond, TimeSpan Eta);

/// <summary>
/// The embedding stage and the passage vectors of the indexed documents, kept in step with the
/// Lucene index: a vector file is written first, then named in a Lucene commit (atomic), and only then
/// are older files deleted. Readers take the vectors of the commit their searcher reads
/// (<see cref="VectorsFor"/>), so a searcher and its vectors always belong together, in every
/// process. <see cref="SyncAsync"/> embeds the passages (<see cref="Passages"/>, cut from the stored
/// text) of documents that have none or changed, newest first, through one cache, and commits every
/// <see cref="CommitInterval"/> so that work is kept when the run stops; embedding happens outside the
/// writer lock, which is taken only to commit.
/// </summary>
public sealed partial class SemanticIndex : IDisposable
{
    public const string VectorsKey = "vectors";

    /// <summary>How often a long embedding run commits what it has (and so how much a crash can cost).</summary>
    public static readonly TimeSpan CommitInterval = TimeSpan.FromSeconds(30);

    private readonly IndexStore _store;
    private readonly IEmbeddingModel _model;
    private readonly IOptions<SearchOptions> _options;
    private readonly ILogger<SemanticIndex> _logger;
    private readonly SemaphoreSlim _sync = new(1, 1);
    private readonly System.Threading.Lock _lock = new();
    private readonly Lazy<EmbeddingCache> _cache;
    private (string Name, VectorStore Store)? _loaded;
    private (long Generation, Dictionary<string, string> Documents)? _documents;
    private (long Generation, string Vectors, int Covered)? _covered;
    private string _state = "idle";
    private string? _error;
    private (int Done, int Total, double Rate, double Eta) _progress;

    public SemanticIndex(IndexStore store, IEmbeddingModel model, IOptions<SearchOptions> options, ILogger<SemanticIndex> logger)
    {
        _store = store;
        _model = model;
        _options = options;
        _logger = logger;
        _cache = new Lazy<EmbeddingCache>(() => new EmbeddingCache(store.PathOf("models", "embeddings.cache"), model.Dimensions));
    }

    /// <summary>Raised between writing a vector file and committing it (tests use it to simulate a crash).</summary>
    internal event Action? BeforeCommit;

    public bool IsEnabled => _options.Value.SemanticEnabled;

    public IEmbeddingModel Model => _model;

    /// <summary>Passages per model call (<see cref="SearchOptions.EmbeddingBatchSize"/>).</summary>
    public int BatchSize => Math.Max(1, _options.Value.EmbeddingBatchSize);

    /// <summary>The one embedding cache (document passages, training passages), in the index folder.</summary>
    public EmbeddingCache Cache => _cache.Value;

    /// <summary>What the vectors were made with: the model and the passage version.</summary>
    private string StoreLabel => $"{_model.Name}|passages-v{Passages.Version}";

    /// <summary>The vectors of the commit the current searcher reads.</summary>
    public VectorStore Current
    {
        get
        {
            using var lease = _store.Lease();
            return VectorsFor(lease);
        }
    }

    /// <summary>The vectors named by the commit <paramref name="lease"/> reads (loaded once per vector file).</summary>
    public VectorStore VectorsFor(SearcherLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return VectorsNamed(lease.CommitData.TryGetValue(VectorsKey, out var name) ? name : null);
    }

    private VectorStore VectorsNamed(string? name)
    {
        lock (_lock)
        {
            if (name is null)
            {
                return VectorStore.Empty(StoreLabel, _model.Dimensions);
            }

            if (_loaded is { } loaded && loaded.Name == name)
            {
                return loaded.Store;
            }

            try
            {
                var store = VectorStore.Load(_store.PathOf(name));
                store = store.Model == StoreLabel && store.Dimensions == _model.Dimensions ? store : VectorStore.Empty(StoreLabel, _model.Dimensions);
                _loaded = (name, store);
                return store;
            }
            catch (Exception ex) when (ex is VectorStoreException or IOException)
            {
                // Replaced by a newer commit meanwhile (the next lease reads that one), or damaged: embedded again.
                LogUnreadable(name, ex.Message);
                return _loaded?.Store ?? VectorStore.Empty(StoreLabel, _model.Dimensions);
            }
        }
    }

    /// <summary>Document id → content hash of every document of the current commit (computed once per commit).</summary>
    public Dictionary<string, string> IndexedDocuments()
    {
        using var lease = _store.Lease();
        return IndexedDocuments(lease);
    }

    /// <summary>Document id → content hash of every document <paramref name="lease"/> reads (computed once per commit).</summary>
    public Dictionary<string, string> IndexedDocuments(SearcherLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var generation = lease.Generation;
        lock (_lock)
        {
            if (_documents is { } d && d.Generation == generation)
            {
                return d.Documents;
            }
        }

        var documents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, id, hash) in LiveDocuments.IdsAndHashes(lease.Searcher.IndexReader))
        {
            documents[id ?? string.Empty] = hash ?? string.Empty;
        }

        lock (_lock)
        {
            _documents = (generation, documents);
        }

        return documents;
    }

    public SemanticStatus Status()
    {
        if (!IsEnabled)
        {
            return new SemanticStatus(false, false, "disabled", 0, 0, 0, 0, 0, null, null, null);
        }

        using var lease = _store.Lease();
        var documents = IndexedDocuments(lease);
        var store = VectorsFor(lease);
        var vectorsName = lease.CommitData.TryGetValue(VectorsKey, out var n) ? n : string.Empty;
        int covered;
        lock (_lock)
        {
            covered = _covered is { } c && c.Generation == lease.Generation && c.Vectors == vectorsName ? c.Covered : -1;
        }

        if (covered < 0)
        {
            covered = documents.Count(d => store.Documents.TryGetValue(d.Key, out var hash) && hash == d.Value);
            lock (_lock)
            {
                _covered = (lease.Generation, vectorsName, covered);
            }
        }

        lock (_lock)
        {
            var ready = documents.Count > 0 && covered == documents.Count;
            return new SemanticStatus(
                true, ready, ready && _state != "building" ? "ready" : _state, documents.Count, covered, store.Entries.Count,
                _progress.Total, _progress.Done, _progress.Done > 0 ? _progress.Rate : null, _progress.Done > 0 ? _progress.Eta : null, _error);
        }
    }

    /// <summary>True when every indexed document has its vectors.</summary>
    public bool IsReady => IsEnabled && Status().Ready;

    /// <summary>
    /// Embeds the passages of documents that have none (or changed), newest first, drops those of
    /// removed documents, and commits as it goes; returns the status after it.
    /// </summary>
    public async Task<SemanticStatus> SyncAsync(IProgress<EmbeddingProgress>? progress, CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            return Status();
        }

        await _sync.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SetState("building", null);
            var (pending, removed) = Pending();
            if (pending.Count == 0 && removed == 0)
            {
                SetState("idle", null);
                return Status();
            }

            var total = pending.Sum(p => p.Passages.Count);
            lock (_lock)
            {
                _progress = (0, total, 0, 0); // /healthz shows the work ahead from the start
            }

            var clock = Stopwatch.StartNew();
            var sinceCommit = Stopwatch.StartNew();
            var done = 0;
            var batch = new List<(PassageEntry Entry, float[] Vector)>();
            foreach (var group in Groups(pending, GroupPassages))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var texts = group.SelectMany(d => d.Passages.Select(p => p.Text)).ToList();
                var vectors = await Task.Run(() => Cache.EmbedAll(_model, texts, BatchSize, null, cancellationToken), cancellationToken).ConfigureAwait(false);
                var at = 0;
                foreach (var document in group)
                {
                    batch.AddRange(document.Passages.Select(p => (new PassageEntry(document.Id, document.Hash, p.Index, p.Text), vectors[at++])));
                }

                done += texts.Count;
                var rate = done / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
                var report = new EmbeddingProgress(done, total, rate, TimeSpan.FromSeconds((total - done) / Math.Max(rate, 1e-3)));
                lock (_lock)
                {
                    _progress = (report.Done, report.Total, report.PassagesPerSecond, report.Eta.TotalSeconds);
                }

                progress?.Report(report);
                if (sinceCommit.Elapsed >= CommitInterval)
                {
                    Commit(batch, cancellationToken);
                    batch.Clear();
                    sinceCommit.Restart();
                }
            }

            Commit(batch, cancellationToken);
            SetState("idle", null);
            LogSynced(pending.Count, total, removed);
            return Status();
        }
        catch (OperationCanceledException)
        {
            SetState("idle", null);
            throw;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or VectorStoreException or IndexBusyException or IndexReadOnlyException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            SetState("failed", ex.Message);
            LogFailed(ex.Message);
            throw;
        }
        finally
        {
            _sync.Release();
        }
    }

    private sealed record PendingDocument(string Id, string Hash, int Date, IReadOnlyList<Passage> Passages);

    /// <summary>
    /// Passages embedded together, across documents: a document has a few passages, and the model is
    /// faster on full batches of passages of similar lengths, which a group of a few hundred passages
    /// gives once sorted by length (<see cref="EmbeddingCache.EmbedAll"/>; <c>search bench-semantic
    /// --throughput</c>); a group ends on a document's end, so only its last batch may be short.
    /// </summary>
    private int GroupPassages => Math.Max(256, BatchSize * 8);

    private static IEnumerable<List<PendingDocument>> Groups(List<PendingDocument> pending, int passages)
    {
        var group = new List<PendingDocument>();
        var count = 0;
        foreach (var document in pending)
        {
            group.Add(document);
            count += document.Passages.Count;
            if (count >= passages)
            {
                yield return group;
                group = [];
                count = 0;
            }
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    /// <summary>The documents of the current commit without vectors for their content, newest first; and how many vectorised documents are gone.</summary>
    private (List<PendingDocument> Pending, int Removed) Pending()
    {
        using var lease = _store.Lease();
        var store = VectorsFor(lease);
        var documents = IndexedDocuments(lease);
        var removed = store.Documents.Keys.Count(id => !documents.ContainsKey(id));
        var pending = new List<PendingDocument>();
        var reader = lease.Searcher.IndexReader;
        var fields = new HashSet<string> { IndexFields.Id, IndexFields.Hash, IndexFields.Title, IndexFields.Body, IndexFields.Boilerplate };
        foreach (var leaf in reader.Leaves)
        {
            var dates = leaf.AtomicReader.GetNumericDocValues(IndexFields.DateSort);
            var live = leaf.AtomicReader.LiveDocs;
            for (var i = 0; i < leaf.AtomicReader.MaxDoc; i++)
            {
                if (live is not null && !live.Get(i))
                {
                    continue;
                }

                var doc = leaf.AtomicReader.Document(i, new HashSet<string> { IndexFields.Id, IndexFields.Hash });
                var id = doc.Get(IndexFields.Id) ?? string.Empty;
                var hash = doc.Get(IndexFields.Hash) ?? string.Empty;
                if (store.Documents.TryGetValue(id, out var embedded) && embedded == hash)
                {
                    continue;
                }

                var full = leaf.AtomicReader.Document(i, fields);
                pending.Add(new PendingDocument(id, hash, (int)(dates?.Get(i) ?? 0), PassagesOf(full)));
            }
        }

        return ([.. pending.OrderByDescending(p => p.Date).ThenBy(p => p.Id, StringComparer.Ordinal)], removed);
    }

    /// <summary>A stored document's passages (<see cref="Passages.Cut"/> over its title and the lines of its text that are not boilerplate).</summary>
    /// <param name="stored">With the title, body and boilerplate fields loaded (<see cref="PassageFields"/>).</param>
    public static IReadOnlyList<Passage> PassagesOf(Lucene.Net.Documents.Document stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return Passages.Cut(stored.Get(IndexFields.Title), DocumentMapper.ContentLines(stored.Get(IndexFields.Body) ?? string.Empty, stored.Get(IndexFields.Boilerplate)));
    }

    /// <summary>The stored fields <see cref="PassagesOf"/> reads.</summary>
    public static IReadOnlySet<string> PassageFields { get; } = new HashSet<string> { IndexFields.Title, IndexFields.Body, IndexFields.Boilerplate };

    /// <summary>
    /// Commits the new passages under the writer lock, on top of the vectors of the latest commit
    /// (another process may have added some): only the passages of documents still indexed with the
    /// content they were cut from are kept.
    /// </summary>
    private void Commit(List<(PassageEntry Entry, float[] Vector)> added, CancellationToken cancellationToken)
    {
        Cache.Flush();
        _store.Write("vectors", session =>
        {
            Dictionary<string, string> current;
            using (var reader = DirectoryReader.Open(session.Writer, applyAllDeletes: true))
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (_, id, hash) in LiveDocuments.IdsAndHashes(reader))
                {
                    current[id ?? string.Empty] = hash ?? string.Empty;
                }
            }

            var latest = VectorsNamed(session.Writer.CommitData.TryGetValue(VectorsKey, out var n) ? n : null);
            var fresh = added.Where(a => current.GetValueOrDefault(a.Entry.DocumentId) == a.Entry.DocumentHash).ToList();
            var replaced = fresh.Select(a => a.Entry.DocumentId).ToHashSet(StringComparer.Ordinal);
            var next = latest.With(e => current.GetValueOrDefault(e.DocumentId) == e.DocumentHash && !replaced.Contains(e.DocumentId), fresh);
            var name = $"vectors-{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}.svec";
            next.Save(_store.PathOf(name));
            BeforeCommit?.Invoke();
            session.Commit(new Dictionary<string, string> { [VectorsKey] = name });

            // Served from the file just written (mapped), not from the arrays it was built from.
            var saved = VectorStore.Load(_store.PathOf(name), verify: false);
            lock (_lock)
            {
                _loaded = (name, saved);
            }

            // Files no commit names any more (a reader maps its file: on Unix removing it costs the reader
            // nothing; where a mapped file cannot be removed, a later commit removes it).
            foreach (var old in Directory.GetFiles(_store.IndexPath, "vectors-*.svec").Where(f => Path.GetFileName(f) != name))
            {
                TryDelete(old);
            }

            return 0;
        }, cancellationToken);
    }

    /// <summary>Embeds texts in batches through the cache.</summary>
    public float[][] EmbedAll(IReadOnlyList<string> texts, IProgress<EmbeddingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Cache.EmbedAll(_model, texts, BatchSize, progress, cancellationToken);
    }

    /// <summary>The documents nearest to <paramref name="documentId"/> by content (its passages' centroid against every passage), itself excluded.</summary>
    public IReadOnlyList<DocumentSimilarity> Related(string documentId, int limit)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        using var lease = _store.Lease();
        var store = VectorsFor(lease);
        var centroid = store.Centroid(documentId);
        if (centroid is null)
        {
            return [];
        }

        var include = (bool[])Searchable(lease, store).Clone();
        include[store.OrdinalOf(documentId)] = false;
        return store.Search(centroid, include, limit);
    }

    /// <summary>
    /// Which documents of <paramref name="store"/> are indexed with the content their vectors were made
    /// from, by ordinal (a filter for <see cref="VectorStore.Search(ReadOnlySpan{float}, bool[], int, float)"/>),
    /// the ordinal of each Lucene document of <paramref name="lease"/> (-1 without current vectors), and
    /// the Lucene document of each searchable ordinal (0 for the others). Computed once per commit and
    /// vector file: a query only reads them (at 100,000 documents, half a megabyte a query otherwise, in
    /// the large-object heap, whose growth starts full collections).
    /// </summary>
    public (bool[] Searchable, int[] OrdinalOfDoc, int[] DocOfOrdinal) VectorDocuments(SearcherLease lease, VectorStore store)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(store);
        lock (_lock)
        {
            if (_vectorDocuments is { } v && v.Generation == lease.Generation && ReferenceEquals(v.Store, store))
            {
                return (v.Searchable, v.OrdinalOfDoc, v.DocOfOrdinal);
            }
        }

        var searchable = new bool[store.DocumentCount];
        var docOfOrdinal = new int[store.DocumentCount];
        var ordinalOfDoc = new int[lease.Searcher.IndexReader.MaxDoc];
        Array.Fill(ordinalOfDoc, -1);
        foreach (var (doc, id, hash) in LiveDocuments.IdsAndHashes(lease.Searcher.IndexReader))
        {
            var d = store.OrdinalOf(id ?? string.Empty);
            if (d >= 0 && store.DocumentHashAt(d) == (hash ?? string.Empty))
            {
                searchable[d] = true;
                ordinalOfDoc[doc] = d;
                docOfOrdinal[d] = doc;
            }
        }

        lock (_lock)
        {
            _vectorDocuments = (lease.Generation, store, searchable, ordinalOfDoc, docOfOrdinal);
        }

        return (searchable, ordinalOfDoc, docOfOrdinal);
    }

    private bool[] Searchable(SearcherLease lease, VectorStore store) => VectorDocuments(lease, store).Searchable;

    private (long Generation, VectorStore Store, bool[] Searchable, int[] OrdinalOfDoc, int[] DocOfOrdinal)? _vectorDocuments;

    /// <summary>Loads the embedding model now (the first embedding loads it), once per process.</summary>
    public void LoadModel()
    {
        if (IsEnabled && Interlocked.Exchange(ref _modelLoaded, 1) == 0)
        {
            _model.Embed(["model warm-up"], CancellationToken.None);
        }
    }

    private int _modelLoaded;

    /// <summary>Embeds one query (normalised).</summary>
    public float[] EmbedQuery(string text) => EmbedQuery(text, CancellationToken.None);

    /// <summary>Query vectors kept at most (about 1.5 KB each); emptied when full.</summary>
    public const int QueryVectorsKept = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, float[]> _queryVectors = new(StringComparer.Ordinal);

    /// <summary>
    /// Embeds one query (normalised), or gives the vector it had the last time: the same words come back
    /// with the next page, a facet clicked or a filter changed, and embedding them again costs the model
    /// a few milliseconds of both cores. The vector is shared: callers do not change it.
    /// </summary>
    public float[] EmbedQuery(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_queryVectors.TryGetValue(text, out var known))
        {
            return known;
        }

        var vector = _model.Embed([text], cancellationToken)[0];
        if (_queryVectors.Count >= QueryVectorsKept)
        {
            _queryVectors.Clear();
        }

        _queryVectors[text] = vector;
        return vector;
    }

    private void SetState(string state, string? error)
    {
        lock (_lock)
        {
            _state = state;
            _error = error;
            if (state != "building")
            {
                _progress = default;
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Removed on a later commit.
        }
    }

    public void Dispose()
    {
        if (_cache.IsValueCreated)
        {
            _cache.Value.Dispose();
        }

        _sync.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Semantic index: embedded {Documents} documents ({Passages} passages), dropped {Removed}")]
    private partial void LogSynced(int documents, int passages, int removed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Semantic index build failed: {Reason}")]
    private partial void LogFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The vector file {Name} cannot be read ({Reason}); passages will be embedded again")]
    private partial void LogUnreadable(string name, string reason);
}
