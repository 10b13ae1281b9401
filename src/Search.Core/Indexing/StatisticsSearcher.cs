using System.Collections.Concurrent;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Search.Core.Indexing;

/// <summary>
/// An <see cref="IndexSearcher"/> over one commit that works out each field's collection statistics once:
/// Lucene works them out again for every term of every query (a multi-segment walk over the field's
/// terms), about 15 µs each, which a query of ten words over seven fields pays seventy times. The
/// reader never changes under a searcher, so neither do its statistics.
/// </summary>
public sealed class StatisticsSearcher(IndexReader reader) : IndexSearcher(reader)
{
    private readonly ConcurrentDictionary<string, CollectionStatistics> _fields = new(StringComparer.Ordinal);

    public override CollectionStatistics CollectionStatistics(string field) =>
        _fields.GetOrAdd(field, f => base.CollectionStatistics(f));
}
