using Lucene.Net.Index;
using Lucene.Net.Search;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Search.Core.Indexing;

/// <summary>
/// Like Lucene's <see cref="SearcherManager"/>, but a refresh moves to every new commit, also one that
/// changed only the commit's user data (vector file, topic overrides): Lucene's own check compares the
/// segments' version, which such a commit leaves as it was, so readers would keep stale user data.
/// </summary>
internal sealed class CommitSearcherManager : ReferenceManager<IndexSearcher>
{
    private readonly LuceneDirectory _directory;
    private readonly Func<IndexReader, IndexSearcher> _newSearcher;

    public CommitSearcherManager(LuceneDirectory directory, Func<IndexReader, IndexSearcher> newSearcher)
    {
        _directory = directory;
        _newSearcher = newSearcher;
        Current = newSearcher(DirectoryReader.Open(directory));
    }

    protected override void DecRef(IndexSearcher reference) => reference.IndexReader.DecRef();

    protected override bool TryIncRef(IndexSearcher reference) => reference.IndexReader.TryIncRef();

    protected override int GetRefCount(IndexSearcher reference) => reference.IndexReader.RefCount;

    protected override IndexSearcher RefreshIfNeeded(IndexSearcher referenceToRefresh)
    {
        var reader = (DirectoryReader)referenceToRefresh.IndexReader;
        if (SegmentInfos.GetLastCommitGeneration(_directory) == reader.IndexCommit.Generation)
        {
            return null!;
        }

        var latest = DirectoryReader.ListCommits(_directory).Last();
        var next = DirectoryReader.OpenIfChanged(reader, latest);
        return next is null ? null! : _newSearcher(next); // null: nothing new (Lucene is not nullable-annotated)
    }
}
