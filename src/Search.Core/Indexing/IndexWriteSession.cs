using Lucene.Net.Index;
using Lucene.Net.Search;
using Search.Core.Ingestion;
using LuceneDocument = Lucene.Net.Documents.Document;

namespace Search.Core.Indexing;

/// <summary>
/// The one write path of an index: the writer, held under the writer lock, and the topic overrides
/// read from the last commit when the session opened. Every document goes in through
/// <see cref="Put"/>, which applies the overrides; <see cref="Commit"/> keeps the last commit's user
/// data (vector file, ingestion root), adds the overrides and what the caller gives, and commits.
/// Disposing rolls back what was not committed (after letting the last commit's merges finish) and releases the lock.
/// </summary>
public sealed class IndexWriteSession : IDisposable
{
    private readonly IndexStore _store;
    private readonly IndexLock _lock;
    private readonly Action _release;
    private bool _disposed;

    internal IndexWriteSession(IndexStore store, IndexWriter writer, IndexLock fileLock, Action release)
    {
        _store = store;
        Writer = writer;
        _lock = fileLock;
        _release = release;
        Overrides = TopicOverrides.FromCommitData(writer.CommitData);
    }

    /// <summary>
    /// The writer, for its state and for merging. Documents change through <see cref="Put"/> and
    /// <see cref="Delete"/>, so that the session knows whether anything is left uncommitted.
    /// </summary>
    public IndexWriter Writer { get; }

    /// <summary>True once a document changed after the last commit.</summary>
    private bool _uncommitted;

    /// <summary>The overrides as of this session (the last commit's, with this session's changes).</summary>
    public TopicOverrides Overrides { get; }

    /// <summary>Raised just before each commit (tests use it to simulate a crash).</summary>
    public static event Action<IndexWriteSession>? BeforeCommit;

    /// <summary>Adds or replaces a document; its topics are the model's (none when not tagged yet) with the users' overrides applied.</summary>
    /// <param name="absent">True when the caller knows the index holds no document with this id (a new file): it is added without looking the id up to delete it.</param>
    public void Put(IngestedDocument document, TopicTagging? tagging, bool absent = false)
    {
        ArgumentNullException.ThrowIfNull(document);
        var model = tagging?.Topics ?? [];
        var mapped = DocumentMapper.ToLucene(document, model, Overrides.Apply(document.Id, model), tagging, _store.Options.TermVectorMinChars);
        _uncommitted = true;
        if (absent)
        {
            Writer.AddDocument(mapped);
        }
        else
        {
            Writer.UpdateDocument(new Term(IndexFields.Id, document.Id), mapped);
        }
    }

    /// <summary>Deletes the document with this id, if any.</summary>
    public void Delete(string documentId)
    {
        _uncommitted = true;
        Writer.DeleteDocuments(new Term(IndexFields.Id, documentId));
    }

    /// <summary>Sets or clears a user's topic decision and writes the document again with it; returns its topics after the change.</summary>
    public IReadOnlyList<TopicAssignment> SetOverride(string documentId, string topic, bool? value)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var stored = Find(documentId) ?? throw new KeyNotFoundException(documentId);
        Overrides.Set(documentId, topic, value);
        var tagging = DocumentMapper.TaggingOf(stored);
        Put(DocumentMapper.FromLucene(stored), tagging);
        return Overrides.Apply(documentId, tagging?.Topics ?? []);
    }

    /// <summary>A document as the writer sees it now (this session's changes included), or null.</summary>
    public LuceneDocument? Find(string documentId)
    {
        using var reader = DirectoryReader.Open(Writer, applyAllDeletes: true);
        var searcher = new IndexSearcher(reader);
        var hits = searcher.Search(new TermQuery(new Term(IndexFields.Id, documentId)), 1);
        return hits.TotalHits == 0 ? null : searcher.Doc(hits.ScoreDocs[0].Doc);
    }

    /// <summary>Commits: the last commit's user data, the overrides, then <paramref name="data"/> on top.</summary>
    public void Commit(IReadOnlyDictionary<string, string>? data = null)
    {
        var merged = new Dictionary<string, string>(Writer.CommitData)
        {
            [TopicOverrides.CommitKey] = Overrides.ToJson(),
        };
        foreach (var (key, value) in data ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        Writer.SetCommitData(merged);
        BeforeCommit?.Invoke(this);
        Writer.Commit();
        _uncommitted = false;
    }

    /// <summary>
    /// After a bulk change (<paramref name="changed"/> documents added, updated or deleted, at least
    /// <see cref="SearchOptions.MergeAfterDocuments"/>) of a committed index, merges it into one segment
    /// and commits (with <paramref name="data"/>): each query term is then looked up once, not once per
    /// segment (as the SQLite peer's build ends with 'optimize'). A crash while merging keeps the last
    /// commit. Returns whether it merged.
    /// </summary>
    public bool MergeAfterBulkChange(int changed, IReadOnlyDictionary<string, string>? data = null)
    {
        if (_uncommitted || !_store.IsBulkChange(changed))
        {
            return false;
        }

        var infos = new SegmentInfos();
        infos.Read(Writer.Directory);
        if (infos.Count <= 1)
        {
            return false;
        }

        Writer.ForceMerge(1);
        Commit(data);
        return true;
    }

    /// <summary>
    /// When nothing is left uncommitted, lets the merges the last commit started finish and commits
    /// them: a writer closed by a rollback aborts them, and sessions that each end right after their
    /// commit (a batch of topics, an override, a small ingestion) would leave a segment each behind.
    /// What was not committed is never committed here. A crash meanwhile keeps the last commit.
    /// </summary>
    private void SettleMerges()
    {
        if (_uncommitted || Writer.NumRamDocs() > 0)
        {
            return; // documents the caller did not commit: rolled back, merges and all
        }

        Writer.WaitForMerges();
        if (Writer.HasUncommittedChanges())
        {
            Writer.Commit(); // only merged segments: the user data stays the last commit's
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            try
            {
                SettleMerges();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // A writer that failed (a full disk, a tragic error): the rollback below closes it; the merges are lost, not the commit.
            }

            Writer.Rollback(); // closes the writer; the last commit stays as it is
        }
        finally
        {
            _lock.Dispose();
            _release();
            _store.Refresh();
        }
    }
}
