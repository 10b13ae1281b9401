using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Microsoft.Extensions.Options;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Search.Core.Indexing;

/// <summary>
/// Owns one Lucene index folder: the single <see cref="IndexWriter"/> (opened for a write and
/// closed after it, so a CLI and a server can take turns) and a <see cref="SearcherManager"/>
/// whose searchers are leased through <see cref="SearcherLease"/>.
/// </summary>
public sealed class IndexStore : IDisposable
{
    private readonly LuceneDirectory _directory;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly System.Threading.Lock _managerLock = new();
    private SearcherManager? _manager;

    public IndexStore(IOptions<SearchOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IndexPath = Path.GetFullPath(options.Value.IndexPath);
        System.IO.Directory.CreateDirectory(IndexPath);
        _directory = FSDirectory.Open(IndexPath);
    }

    public string IndexPath { get; }

    public static Similarity Similarity { get; } = new BM25Similarity();

    /// <summary>Analyzer used when indexing: identifiers get their short forms stacked.</summary>
    public static Analyzer IndexAnalyzer { get; } = new ItuAnalyzer(stackShortForms: true);

    /// <summary>Analyzer used for queries and highlighting.</summary>
    public static Analyzer QueryAnalyzer { get; } = new ItuAnalyzer(stackShortForms: false);

    /// <summary>True when a commit exists in the folder.</summary>
    public bool Exists => DirectoryReader.IndexExists(_directory);

    /// <summary>Runs <paramref name="write"/> with the index's writer, then closes the writer (releasing the lock).</summary>
    /// <remarks>When <paramref name="write"/> throws, uncommitted changes are rolled back: the last commit stays readable.</remarks>
    public T Write<T>(Func<IndexWriter, T> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        _writeLock.Wait(cancellationToken);
        try
        {
            IndexWriter writer;
            try
            {
                var config = new IndexWriterConfig(ItuAnalyzer.Version, IndexAnalyzer)
                {
                    OpenMode = OpenMode.CREATE_OR_APPEND,
                    Similarity = Similarity,
                };
                writer = new IndexWriter(_directory, config);
            }
            catch (LockObtainFailedException ex)
            {
                throw new IndexBusyException(IndexPath, ex);
            }

            try
            {
                var result = write(writer);
                writer.Dispose();
                Refresh();
                return result;
            }
            catch
            {
                writer.Rollback();
                throw;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Creates an empty commit when the folder has none, so that searches work on a new index.</summary>
    public void EnsureCreated()
    {
        if (!Exists)
        {
            Write(w =>
            {
                w.Commit();
                return 0;
            }, CancellationToken.None);
        }
    }

    /// <summary>Leases the current searcher; dispose the lease to release it.</summary>
    public SearcherLease Lease()
    {
        var manager = Manager();
        return new SearcherLease(manager, manager.Acquire());
    }

    /// <summary>The user data of the last commit (ingestion root, counts).</summary>
    public IDictionary<string, string> CommitData()
    {
        using var lease = Lease();
        return ((DirectoryReader)lease.Searcher.IndexReader).IndexCommit.UserData;
    }

    private SearcherManager Manager()
    {
        lock (_managerLock)
        {
            if (_manager is null)
            {
                EnsureCreated();
                _manager = new SearcherManager(_directory, new Bm25SearcherFactory());
            }

            return _manager;
        }
    }

    private void Refresh()
    {
        lock (_managerLock)
        {
            _manager?.MaybeRefreshBlocking();
        }
    }

    public void Dispose()
    {
        _manager?.Dispose();
        _directory.Dispose();
        _writeLock.Dispose();
    }

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = Similarity };
    }
}

/// <summary>A searcher borrowed from a <see cref="SearcherManager"/>; disposing it gives it back.</summary>
public sealed class SearcherLease(SearcherManager manager, IndexSearcher searcher) : IDisposable
{
    public IndexSearcher Searcher { get; } = searcher;

    public void Dispose() => manager.Release(Searcher);
}

/// <summary>The index is locked by another writer (another ingestion, or a running server).</summary>
public sealed class IndexBusyException(string path, Exception inner)
    : Exception($"the index at '{path}' is being written by another process (a running 'search serve' or 'search ingest'); try again when it has finished", inner);
