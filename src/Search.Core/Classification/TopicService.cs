using Lucene.Net.Index;
using Lucene.Net.Search;
using Search.Core.Indexing;

namespace Search.Core.Classification;

/// <summary>A user's topic decision that cannot be applied (unknown document or topic).</summary>
public sealed class TopicOverrideException(string message, string field) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>Applies users' topic overrides: recorded in <see cref="TopicOverrides"/> and written to the indexed document at once.</summary>
public sealed class TopicService(IndexStore store, TopicClassifier classifier, TopicOverrides overrides)
{
    /// <summary>Sets (true/false) or clears (null) a topic on a document and re-indexes it; returns its topics after the change.</summary>
    public IReadOnlyList<TopicAssignment> SetOverride(string documentId, string topic, bool? value)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(topic);
        var id = topic.Trim().ToLowerInvariant();
        if (classifier.Taxonomy is { } taxonomy && !taxonomy.Contains(id))
        {
            throw new TopicOverrideException($"unknown topic '{topic}'; topics are {string.Join(", ", taxonomy.Ids)}", "topic");
        }

        Lucene.Net.Documents.Document stored;
        using (var lease = store.Lease())
        {
            var hits = lease.Searcher.Search(new TermQuery(new Term(IndexFields.Id, documentId)), 1);
            if (hits.TotalHits == 0)
            {
                throw new TopicOverrideException($"no document with id '{documentId}'", "id");
            }

            stored = lease.Searcher.Doc(hits.ScoreDocs[0].Doc);
        }

        overrides.Set(documentId, id, value);
        var modelTopics = DocumentMapper.TopicsOf(stored, IndexFields.ModelTopics);
        var topics = overrides.Apply(documentId, modelTopics);
        var document = DocumentMapper.FromLucene(stored);
        store.Write(writer =>
        {
            writer.UpdateDocument(new Term(IndexFields.Id, documentId), DocumentMapper.ToLucene(document, modelTopics, topics, stored.Get(IndexFields.TopicsBy)));
            writer.Commit();
            return 0;
        }, CancellationToken.None);
        return topics;
    }
}
