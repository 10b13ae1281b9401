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
/// The passage vectors of the indexed documents, kept in step with the Lucene index: a vector file is
/// written first, then named in a Lucene commit (atomic), and only then are older files deleted; on
/// open, the file the last commit names is loaded. A crash at any point leaves the last commit with
/// the vectors it names. Passages whose document changed since (another content hash) are ignored
/// until they are embedded again; <see cref="SyncAsync"/> embeds what is missing, in batches, with a
/// cache by content hash.
/// </summary>
public sealed partial class SemanticIndex : IDisposable
{
    public const string VectorsKey = "vectors";

    /// <summary>Bumped when passages are cut or cleaned differently: vectors of another version are embedded again.</summary>
    public const int PassageVersion = 2;
    private const int BatchSize = 16;

    private readonly IndexStore _store;
    private readonly IEmbeddingModel _model;
    private readonly IOptions<SearchOptions> _options;
    private readonly ILogger<SemanticIndex> _logger;
    private readonly SemaphoreSlim _sync = new(1, 1);
    private readonly System.Threading.Lock _lock = new();
    private readonly Lazy<EmbeddingCache> _cache;
    private VectorStore? _current;
    private IndexReader? _documentsReader;
    private Dictionary<string, string>? _documents;
    private string _state = "idle";
    private string? _error;
    private (int Done, int Total, double Rate, double Eta) _progress;

    public SemanticIndex(IndexStore store, IEmbeddingModel model, IOptions<SearchOptions> options, ILogger<SemanticIndex> logger)
    {
        _store = store;
        _model = model;
        _options = options;
        _logger = logger;
        _cache = new Lazy<EmbeddingCache>(() => new EmbeddingCache(options.Value.EmbeddingCachePath, model.Dimensions));
    }

    /// <summary>Raised between writing a vector file and committing it (tests use it to simulate a crash).</summary>
    internal event Action? BeforeCommit;

    public bool IsEnabled => _options.Value.SemanticEnabled;

    public IEmbeddingModel Model => _model;

    /// <summary>What the vectors were made with: the model and the passage version.</summary>
    private string StoreLabel => $"{_model.Name}|passages-v{PassageVersion}";

    /// <summary>The vectors of the last commit (loaded on first use).</summary>
    public VectorStore Current
    {
        get
        {
            lock (_lock)
            {
                return _current ??= LoadCommitted();
            }
        }
    }

    /// <summary>Document id → content hash of every indexed document (cached per index reader).</summary>
    public Dictionary<string, string> IndexedDocuments()
    {
        using var lease = _store.Lease();
        var reader = lease.Searcher.IndexReader;
        lock (_lock)
        {
            if (ReferenceEquals(_documentsReader, reader) && _documents is not null)
            {
                return _documents;
            }
        }

        var documents = ReadDocuments(reader);
        lock (_lock)
        {
            _documentsReader = reader;
            _documents = documents;
        }

        return documents;
    }

    private static Dictionary<string, string> ReadDocuments(IndexReader reader)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, doc) in LiveDocuments.Read(reader, new HashSet<string> { IndexFields.Id, IndexFields.Hash }))
        {
            result[doc.Get(IndexFields.Id) ?? string.Empty] = doc.Get(IndexFields.Hash) ?? string.Empty;
        }

        return result;
    }

    public SemanticStatus Status()
    {
        if (!IsEnabled)
        {
            return new SemanticStatus(false, false, "disabled", 0, 0, 0, 0, 0, null, null, null);
        }

        var documents = IndexedDocuments();
        var store = Current;
        var covered = documents.Count(d => store.Documents.TryGetValue(d.Key, out var hash) && hash == d.Value);
        lock (_lock)
        {
            var ready = documents.Count > 0 && covered == documents.Count;
            return new SemanticStatus(
                true, ready, ready && _state != "building" ? "ready" : _state, documents.Count, covered, store.Entries.Count,
                _progress.Total, _progress.Done, _progress.Total > 0 ? _progress.Rate : null, _progress.Total > 0 ? _progress.Eta : null, _error);
        }
    }

    /// <summary>True when every indexed document has its vectors.</summary>
    public bool IsReady => IsEnabled && Status().Ready;

    /// <summary>Embeds the passages of documents that have none (or changed), drops those of removed documents, and commits.</summary>
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
            var documents = IndexedDocuments();
            var store = Current;
            var missing = documents.Where(d => !store.Documents.TryGetValue(d.Key, out var hash) || hash != d.Value).Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
            var removed = store.Documents.Keys.Where(id => !documents.ContainsKey(id)).ToList();
            if (missing.Count == 0 && removed.Count == 0)
            {
                SetState("idle", null);
                return Status();
            }

            var passages = PassagesOf(missing, documents);
            var vectors = await Task.Run(() => EmbedAll(passages.Select(p => p.Embedded).ToList(), progress, cancellationToken), cancellationToken).ConfigureAwait(false);
            var added = passages.Select((p, i) => (p.Entry, vectors[i])).ToList();
            var next = store.With(e => documents.TryGetValue(e.DocumentId, out var hash) && hash == e.DocumentHash && !missing.Contains(e.DocumentId), added);
            Commit(next);
            SetState("idle", null);
            LogSynced(missing.Count, passages.Count, removed.Count);
            return Status();
        }
        catch (OperationCanceledException)
        {
            SetState("idle", null);
            throw;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or VectorStoreException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
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

    /// <summary>Embeds texts in batches through the cache; progress after each batch (also shown by <see cref="Status"/>).</summary>
    public float[][] EmbedAll(IReadOnlyList<string> texts, IProgress<EmbeddingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var tracking = new ActionProgress<EmbeddingProgress>(p =>
        {
            lock (_lock)
            {
                _progress = (p.Done, p.Total, p.PassagesPerSecond, p.Eta.TotalSeconds);
            }

            progress?.Report(p);
        });
        return _cache.Value.EmbedAll(_model, texts, BatchSize, tracking, cancellationToken);
    }

    /// <summary>The documents nearest to <paramref name="documentId"/> by content (its passages' centroid against every passage), itself excluded.</summary>
    public IReadOnlyList<DocumentSimilarity> Related(string documentId, int limit)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var store = Current;
        var centroid = store.Centroid(documentId);
        if (centroid is null)
        {
            return [];
        }

        var hashes = IndexedDocuments();
        return store.Search(centroid, e => e.DocumentId != documentId && hashes.GetValueOrDefault(e.DocumentId) == e.DocumentHash, limit);
    }

    /// <summary>Embeds one query (normalised).</summary>
    public float[] EmbedQuery(string text) => _model.Embed([text], CancellationToken.None)[0];

    private List<(PassageEntry Entry, string Embedded)> PassagesOf(HashSet<string> ids, Dictionary<string, string> hashes)
    {
        var result = new List<(PassageEntry, string)>();
        using var lease = _store.Lease();
        var reader = lease.Searcher.IndexReader;
        foreach (var (_, doc) in LiveDocuments.Read(reader, new HashSet<string> { IndexFields.Id, IndexFields.Title, IndexFields.Body, IndexFields.Boilerplate }))
        {
            var id = doc.Get(IndexFields.Id) ?? string.Empty;
            if (!ids.Contains(id))
            {
                continue;
            }

            var lines = DocumentMapper.ContentLines(doc.Get(IndexFields.Body) ?? string.Empty, doc.Get(IndexFields.Boilerplate)).Select(Content).Where(l => l.Length > 0);
            foreach (var passage in PassageChunker.Chunk(doc.Get(IndexFields.Title), lines))
            {
                result.Add((new PassageEntry(id, hashes[id], passage.Index, passage.Text), passage.Embedded));
            }
        }

        return result;
    }

    private static readonly string[] NoiseLabels = ["Contact", "Tel", "E-mail", "Email", "Original", "Purpose", "Place and date", "Question(s)", "Source", "Approval", "Deadline", "For action to", "For comment to", "For information to", "Number", "Study period", "Study group"];
    private static readonly string[] ContentLabels = ["Title", "Abstract", "Keywords", "Summary"];

    /// <summary>
    /// A line of a document as it is embedded: header furniture (the ITU banner, contact details,
    /// administrative fields) is left out, and the labels of title, abstract and keywords are dropped.
    /// </summary>
    internal static string Content(string line)
    {
        var text = line.Trim();
        if (text.Length == 0 || (text.Any(char.IsLetter) && !text.Any(char.IsLower)))
        {
            return string.Empty;
        }

        var colon = text.IndexOfAny([':', '\t']);
        if (colon > 0 && colon <= 20)
        {
            var label = text[..colon].Trim();
            if (NoiseLabels.Contains(label, StringComparer.OrdinalIgnoreCase))
            {
                return string.Empty;
            }

            if (ContentLabels.Contains(label, StringComparer.OrdinalIgnoreCase))
            {
                return text[(colon + 1)..].Trim();
            }
        }

        return text;
    }

    /// <summary>Writes the vector file, names it in a Lucene commit, then deletes the files no commit names.</summary>
    private void Commit(VectorStore next)
    {
        var name = $"vectors-{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}.svec";
        var path = Path.Combine(_store.IndexPath, name);
        next.Save(path);
        BeforeCommit?.Invoke();
        _store.Write(writer =>
        {
            var data = new Dictionary<string, string>(writer.CommitData) { [VectorsKey] = name };
            writer.SetCommitData(data);
            writer.Commit();
            return 0;
        }, CancellationToken.None);
        lock (_lock)
        {
            _current = next;
        }

        foreach (var old in Directory.GetFiles(_store.IndexPath, "vectors-*.svec").Where(f => Path.GetFileName(f) != name))
        {
            TryDelete(old);
        }
    }

    private VectorStore LoadCommitted()
    {
        var empty = VectorStore.Empty(StoreLabel, _model.Dimensions);
        if (!_store.Exists || !_store.CommitData().TryGetValue(VectorsKey, out var name))
        {
            return empty;
        }

        try
        {
            var store = VectorStore.Load(Path.Combine(_store.IndexPath, name));
            return store.Model == StoreLabel && store.Dimensions == _model.Dimensions ? store : empty;
        }
        catch (VectorStoreException ex)
        {
            LogUnreadable(name, ex.Message);
            return empty;
        }
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
            // Still open by a reader on another platform: removed on a later sync.
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
