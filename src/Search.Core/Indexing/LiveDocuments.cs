using Lucene.Net.Documents;
using Lucene.Net.Index;

namespace Search.Core.Indexing;

/// <summary>The documents of a reader that are not deleted, with their stored fields.</summary>
public static class LiveDocuments
{
    /// <param name="fields">The stored fields to load (all when null): loading fewer is much cheaper.</param>
    public static IEnumerable<(int Doc, Document Stored)> Read(IndexReader reader, ISet<string>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var live = MultiFields.GetLiveDocs(reader);
        for (var i = 0; i < reader.MaxDoc; i++)
        {
            if (live is null || live.Get(i))
            {
                yield return (i, fields is null ? reader.Document(i) : reader.Document(i, fields));
            }
        }
    }
}
