using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Microsoft.Extensions.Options;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Search.Core.Indexing;

/// <summary>
/// Owns one index folder, the data folder of everything the index needs (Lucene files, vectors,
/// models, caches; overrides live in its commit data). Writes go through an
/// <see cref="IndexWriteSession"/>: one writer across processes, kept out by an OS lock on
/// <see cref="WriterLockName"/> that dies with its process; a second writer waits
/// (<see cref="SearchOptions.WriteWaitSeconds"/>) or gets an <see cref="IndexBusyException"/> naming
/// the holder. Searchers come from a <see cref="CommitSearcherManager"/> leased through
/// <see cref="SearcherLease"/>, refreshed when any process commits (checked at most every
/// <see cref="RefreshInterval"/> when a searcher is leased).
/// </summary>
public sealed class IndexStore : IDisposable
{
    public const string WriterLockName = "search-writer.lock";

    /// <summary>How often a lease checks for a newer commit (a directory listing).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    private readonly SearchOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly System.Threading.Lock _managerLock = new();
    private LuceneDirectory? _directory;
    private CommitSearcherManager? _manager;
    private long _lastCheck;

    public IndexStore(IOptions<SearchOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        IndexPath = Path.GetFullPath(options.Value.IndexPath);
    }

    public string IndexPath { get; }

    /// <summary>The settings the store was opened with.</summary>
    public SearchOptions Options => _options;

    /// <summary>A file or folder inside the index folder (models, caches).</summary>
    public string PathOf(params string[] parts) => Path.Combine([IndexPath, .. parts]);

    public static Similarity Similarity { get; } = new BM25Similarity();

    /// <summary>Analyzer used when indexing: identifiers get their short forms stacked.</summary>
    public static Analyzer IndexAnalyzer { get; } = new ItuAnalyzer(stackShortForms: true);

    /// <summary>Analyzer used for queries and highlighting.</summary>
    public static Analyzer QueryAnalyzer { get; } = new ItuAnalyzer(stackShortForms: false);

    /// <summary>True when a commit exists in the folder (the index was built, even if it holds no document now).</summary>
    public bool Exists => System.IO.Directory.Exists(IndexPath) && DirectoryReader.IndexExists(Directory());

    /// <summary>
    /// Opens a write session: takes the writer lock (waiting up to <paramref name="wait"/>, default
    /// <see cref="SearchOptions.WriteWaitSeconds"/>) and opens the index writer. Dispose the session to
    /// close the writer: what was not committed is rolled back.
    /// </summary>
    public IndexWriteSession OpenSession(string purpose, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        var timeout = wait ?? WaitOf(_options.WriteWaitSeconds);
        if (!_writeLock.Wait(timeout, cancellationToken))
        {
            throw new IndexBusyException(IndexPath, $"PID {Environment.ProcessId} (this process)");
        }

        IndexLock? fileLock = null;
        try
        {
            fileLock = IndexLock.Acquire(IndexPath, WriterLockName, purpose, timeout, cancellationToken);
            RepairUnfinishedFirstCommit();
            var config = new IndexWriterConfig(ItuAnalyzer.Version, IndexAnalyzer)
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                Similarity = Similarity,
                // Bulk loads: segments are flushed by size only (a large buffer makes few, large segments and
                // fewer merges), and written as separate files rather than packed again into compound files.
                RAMBufferSizeMB = RamBufferMB,
                MaxBufferedDocs = IndexWriterConfig.DISABLE_AUTO_FLUSH,
                UseCompoundFile = false,
                MergePolicy = new TieredMergePolicy { NoCFSRatio = 0.0, SegmentsPerTier = 10 },
            };
            IndexWriter writer;
            try
            {
                writer = new IndexWriter(Directory(), config);
            }
            catch (LockObtainFailedException ex)
            {
                // Lucene's own lock: a writer this code did not open (another program) holds the folder.
                throw new IndexBusyException(IndexPath, ex.Message);
            }

            return new IndexWriteSession(this, writer, fileLock, () => _writeLock.Release());
        }
        catch
        {
            fileLock?.Dispose();
            _writeLock.Release();
            throw;
        }
    }

    /// <summary>Runs <paramref name="write"/> in a write session; it commits what it wants kept (<see cref="IndexWriteSession.Commit"/>).</summary>
    public T Write<T>(string purpose, Func<IndexWriteSession, T> write, CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var session = OpenSession(purpose, wait, cancellationToken);
        return write(session);
    }

    /// <summary>Creates an empty commit when the folder has none, so that searches work on a new index.</summary>
    public void EnsureCreated()
    {
        if (!Exists)
        {
            Write("create", s =>
            {
                if (!s.Writer.CommitData.ContainsKey(CreatedKey))
                {
                    s.Commit(new Dictionary<string, string> { [CreatedKey] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
                }

                return 0;
            }, CancellationToken.None);
        }
    }

    public const string CreatedKey = "createdAt";

    /// <summary>Whether changing this many documents is a bulk change, after which the index is merged into one segment (<see cref="SearchOptions.MergeAfterDocuments"/>).</summary>
    public bool IsBulkChange(int changed) => _options.MergeAfterDocuments > 0 && changed >= _options.MergeAfterDocuments;

    /// <summary>The writer's buffer before it flushes a segment: commits (every <see cref="SearchOptions.CommitSeconds"/>) flush it anyway.</summary>
    public const double RamBufferMB = 256;

    /// <summary>Leases the current searcher (after a throttled check for a newer commit by any process); dispose the lease to release it.</summary>
    public SearcherLease Lease()
    {
        var manager = Manager();
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastCheck);
        if (now - last >= RefreshInterval.TotalMilliseconds && Interlocked.CompareExchange(ref _lastCheck, now, last) == last)
        {
            try
            {
                manager.MaybeRefresh();
            }
            catch (IOException)
            {
                // A commit being replaced under us: the next lease tries again; this one serves the searcher it has.
                Interlocked.Exchange(ref _lastCheck, 0);
            }
        }

        return new SearcherLease(manager, manager.Acquire());
    }

    /// <summary>Moves the searchers to the latest commit now.</summary>
    public void Refresh()
    {
        lock (_managerLock)
        {
            _manager?.MaybeRefreshBlocking();
        }
    }

    /// <summary>The user data of the commit the current searcher reads.</summary>
    public IDictionary<string, string> CommitData()
    {
        using var lease = Lease();
        return lease.CommitData;
    }

    /// <summary>The topic overrides of the current commit.</summary>
    public TopicOverrides Overrides() => TopicOverrides.FromCommitData(CommitData());

    internal LuceneDirectory Directory()
    {
        lock (_managerLock)
        {
            return _directory ??= new MappedDirectory(IndexPath);
        }
    }

    private CommitSearcherManager Manager()
    {
        lock (_managerLock)
        {
            if (_manager is null)
            {
                EnsureCreated();
                try
                {
                    _manager = NewManager();
                }
                catch (IOException)
                {
                    // An unfinished first commit (see RepairUnfinishedFirstCommit): repaired under the writer lock, then built.
                    Write("repair", _ => 0, CancellationToken.None);
                    EnsureCreated();
                    _manager = NewManager();
                }
            }

            return _manager;
        }
    }

    /// <summary>
    /// A process killed while writing the index's very first commit leaves a <c>segments_1</c> that
    /// cannot be read and no earlier commit to fall back on (Lucene falls back by itself from any later
    /// one): nothing was committed, so that file is removed and the index counts as never built. Called
    /// under the writer lock, so no writer is making that file now.
    /// </summary>
    private void RepairUnfinishedFirstCommit()
    {
        var segments = System.IO.Directory.GetFiles(IndexPath, "segments_*");
        if (segments.Length != 1 || Path.GetFileName(segments[0]) != "segments_1")
        {
            return;
        }

        try
        {
            new SegmentInfos().Read(Directory(), "segments_1");
        }
        catch (IOException)
        {
            File.Delete(segments[0]);
            File.Delete(Path.Combine(IndexPath, IndexFileNames.SEGMENTS_GEN));
        }
    }

    private CommitSearcherManager NewManager() => new(Directory(), reader => new StatisticsSearcher(reader) { Similarity = Similarity });

    private static TimeSpan WaitOf(double seconds) => seconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);

    public void Dispose()
    {
        _manager?.Dispose();
        _directory?.Dispose();
        _writeLock.Dispose();
    }
}

/// <summary>A searcher borrowed from the store's searcher manager; disposing it gives it back.</summary>
public sealed class SearcherLease(ReferenceManager<IndexSearcher> manager, IndexSearcher searcher) : IDisposable
{
    public IndexSearcher Searcher { get; } = searcher;

    /// <summary>The commit this searcher reads: derived state (vectors, counts) is keyed to it.</summary>
    public long Generation => ((DirectoryReader)Searcher.IndexReader).IndexCommit.Generation;

    /// <summary>The user data of the commit this searcher reads.</summary>
    public IDictionary<string, string> CommitData => ((DirectoryReader)Searcher.IndexReader).IndexCommit.UserData;

    public void Dispose() => manager.Release(Searcher);
}
