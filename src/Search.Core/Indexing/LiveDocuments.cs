using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;

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

    /// <summary>
    /// The id and content hash of each document that is not deleted, in reader order, from their doc
    /// values: a stored field would decompress the stored body beside it (at 100k documents, seconds). A
    /// document written before the hash had doc values (none in its segment, or empty in a merged one)
    /// gives them from its stored fields. Null where a document has none. <c>Doc</c> is the document's number in <paramref name="reader"/>.
    /// </summary>
    public static IEnumerable<(int Doc, string? Id, string? Hash)> IdsAndHashes(IndexReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var fields = new HashSet<string> { IndexFields.Id, IndexFields.Hash };
        foreach (var row in FromDocValues(reader, null))
        {
            if (row.Id is null || row.Hash is null)
            {
                var stored = row.Segment.Document(row.Local, fields);
                yield return (row.Doc, stored.Get(IndexFields.Id), stored.Get(IndexFields.Hash));
            }
            else
            {
                yield return (row.Doc, row.Id, row.Hash);
            }
        }
    }

    /// <summary>Joins a tagging's model and model id in <see cref="IndexFields.TopicsByValue"/>.</summary>
    public const char TaggingSeparator = '\u001f';

    /// <summary>
    /// Each live document's id, content hash and tagging (<see cref="IndexFields.TopicsBy"/> and
    /// <see cref="IndexFields.TopicsModelId"/>; null when untagged), in reader order, from doc values as
    /// <see cref="IdsAndHashes"/> gives them. A document without them in doc values (untagged, or written
    /// before they were kept there) gives them from its stored fields.
    /// </summary>
    public static IEnumerable<(int Doc, string Id, string Hash, string? TopicsBy, string? TopicsModelId)> Taggings(IndexReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var fields = new HashSet<string> { IndexFields.Id, IndexFields.Hash, IndexFields.TopicsBy, IndexFields.TopicsModelId };
        foreach (var row in FromDocValues(reader, IndexFields.TopicsByValue))
        {
            var cut = row.Extra?.IndexOf(TaggingSeparator, StringComparison.Ordinal) ?? -1;
            if (row.Id is not null && row.Hash is not null && cut >= 0)
            {
                yield return (row.Doc, row.Id, row.Hash, row.Extra![..cut], row.Extra[(cut + 1)..]);
            }
            else
            {
                var stored = row.Segment.Document(row.Local, fields);
                yield return (row.Doc, stored.Get(IndexFields.Id) ?? string.Empty, stored.Get(IndexFields.Hash) ?? string.Empty, stored.Get(IndexFields.TopicsBy), stored.Get(IndexFields.TopicsModelId));
            }
        }
    }

    /// <summary>
    /// Each live document's id and hash doc values and, when named, one more binary doc value; null where
    /// a document has none (its segment has no such doc values, or its value is empty).
    /// </summary>
    private static IEnumerable<(AtomicReader Segment, int Local, int Doc, string? Id, string? Hash, string? Extra)> FromDocValues(IndexReader reader, string? extraField)
    {
        var id = new BytesRef();
        var hash = new BytesRef();
        var extra = new BytesRef();
        foreach (var leaf in reader.Leaves)
        {
            var segment = leaf.AtomicReader;
            var ids = segment.GetSortedDocValues(IndexFields.IdValue);
            var hashes = segment.GetBinaryDocValues(IndexFields.HashValue);
            var extras = extraField is null ? null : segment.GetBinaryDocValues(extraField);
            var live = segment.LiveDocs;
            for (var i = 0; i < segment.MaxDoc; i++)
            {
                if (live is not null && !live.Get(i))
                {
                    continue;
                }

                string? key = null, value = null, more = null;
                if (ids is not null && hashes is not null)
                {
                    ids.Get(i, id);
                    hashes.Get(i, hash);
                    key = id.Length == 0 ? null : id.Utf8ToString();
                    value = hash.Length == 0 ? null : hash.Utf8ToString();
                }

                if (extras is not null)
                {
                    extras.Get(i, extra);
                    more = extra.Length == 0 ? null : extra.Utf8ToString();
                }

                yield return (segment, i, leaf.DocBase + i, key, value, more);
            }
        }
    }
}
