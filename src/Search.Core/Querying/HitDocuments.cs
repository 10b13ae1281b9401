using System.Collections.Concurrent;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Search.Core.Indexing;
using Search.Core.Ingestion;

namespace Search.Core.Querying;

/// <summary>A hit's stored document with its metadata and topics parsed once.</summary>
public sealed record HitDocument(Document Stored, DocumentMetadata Metadata, IReadOnlyList<string> Topics)
{
    private string? _lead;

    /// <summary>The stored body, or null.</summary>
    public string? Body { get; } = Stored.Get(IndexFields.Body);

    /// <summary>What a hit shows without a highlighted snippet: the abstract, else the first three lines of content (worked out once).</summary>
    public string Lead => _lead ??= Metadata.Abstract
        ?? string.Join('\n', Snippets.BodyLines(DocumentMapper.ContentLines(Body ?? string.Empty, Stored.Get(IndexFields.Boilerplate))).Take(3));
}

/// <summary>
/// The stored documents of recent hits, parsed (as a search engine's document cache): reading a stored
/// document decompresses all of it and parsing its metadata is JSON work, and the same documents come
/// back in many result pages. Keyed by segment core and doc number, which a stored document never
/// changes under (an update is a new document in a new segment); bounded by the characters held, and
/// emptied when full.
/// </summary>
public static class HitDocuments
{
    /// <summary>Characters of stored text held at most (about twice as many bytes).</summary>
    public const long MaxCharacters = 32L * 1024 * 1024;

    // Per segment core, so that a merged-away segment's documents go with it.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, ConcurrentDictionary<int, HitDocument>> Cache = new();
    private static long _characters;

    /// <summary>Document <paramref name="doc"/> (global doc number) of <paramref name="searcher"/>.</summary>
    public static HitDocument Of(IndexSearcher searcher, int doc)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        var leaves = searcher.IndexReader.Leaves;
        var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
        var local = doc - leaf.DocBase;
        var segment = Cache.GetValue(leaf.AtomicReader.CoreCacheKey, _ => new ConcurrentDictionary<int, HitDocument>());
        if (segment.TryGetValue(local, out var known))
        {
            return known;
        }

        var stored = leaf.AtomicReader.Document(local);
        var hit = new HitDocument(stored, DocumentMapper.MetadataOf(stored), DocumentMapper.TopicsOf(stored).Select(t => t.Topic).ToList());
        var size = stored.Fields.Sum(f => (long)(f.GetStringValue()?.Length ?? 0));
        if (Interlocked.Add(ref _characters, size) > MaxCharacters)
        {
            foreach (var (_, documents) in Cache)
            {
                documents.Clear();
            }

            Interlocked.Exchange(ref _characters, size);
        }

        segment[local] = hit;
        return hit;
    }
}
