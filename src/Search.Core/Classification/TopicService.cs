using Search.Core.Indexing;

namespace Search.Core.Classification;

/// <summary>A user's topic decision that cannot be applied (unknown document or topic).</summary>
public sealed class TopicOverrideException(string message, string field) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>Users' topic overrides: read-modify-written with the document they change, in one commit, under the writer lock.</summary>
public sealed class TopicService(IndexStore store, TopicClassifier classifier)
{
    /// <summary>Sets (true/false) or clears (null) a topic on a document and re-indexes it; returns its topics after the change.</summary>
    public IReadOnlyList<TopicAssignment> SetOverride(string documentId, string topic, bool? value, TimeSpan? wait = null)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(topic);
        var id = topic.Trim().ToLowerInvariant();
        if (classifier.Taxonomy is { } taxonomy && !taxonomy.Contains(id))
        {
            throw new TopicOverrideException($"unknown topic '{topic}'; topics are {string.Join(", ", taxonomy.Ids)}", "topic");
        }

        return store.Write("override", session =>
        {
            if (session.Find(documentId) is null)
            {
                throw new TopicOverrideException($"no document with id '{documentId}'", "id");
            }

            var topics = session.SetOverride(documentId, id, value);
            session.Commit();
            return topics;
        }, CancellationToken.None, wait);
    }

    /// <summary>The overrides of the commit the service reads now.</summary>
    public IReadOnlyList<TopicOverride> Overrides() => store.Overrides().All;
}
