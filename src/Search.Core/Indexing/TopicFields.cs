using System.Text.Json;

namespace Search.Core.Indexing;

/// <summary>A topic given to a document: its confidence (the best passage's probability), the passage that is the best evidence, and whether a user set it.</summary>
public sealed record TopicAssignment(string Topic, float Confidence, string? Evidence, bool Overridden = false);

/// <summary>A document's topics and the model that gave them (its name, and the identity of the trained model so that a new model re-tags).</summary>
public sealed record TopicTagging(IReadOnlyList<TopicAssignment> Topics, string Model, string ModelId);

/// <summary>A user's decision on one topic of one document: <c>Value</c> true adds the topic, false removes it.</summary>
public sealed record TopicOverride(string DocumentId, string Topic, bool Value, DateTimeOffset At);

/// <summary>
/// Users' topic overrides, kept in the index's own commit data: they are committed atomically with
/// the documents they change, so the index and the overrides can never disagree, they survive
/// re-ingestion and retraining, and every process sees the ones of the commit it reads. Changed only
/// inside an <see cref="IndexWriteSession"/> (read-modify-write under the writer lock).
/// </summary>
public sealed class TopicOverrides
{
    public const string CommitKey = "topicOverrides";

    private readonly List<TopicOverride> _items;

    private TopicOverrides(List<TopicOverride> items) => _items = items;

    public static TopicOverrides Empty => new([]);

    public IReadOnlyList<TopicOverride> All => _items;

    /// <summary>The overrides stored in a commit's user data.</summary>
    public static TopicOverrides FromCommitData(IDictionary<string, string> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.TryGetValue(CommitKey, out var json) || string.IsNullOrWhiteSpace(json))
        {
            return Empty;
        }

        try
        {
            return new TopicOverrides(JsonSerializer.Deserialize<List<TopicOverride>>(json, DocumentMapper.Json) ?? []);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"the topic overrides in the index's commit data are not valid JSON (line {ex.LineNumber})", ex);
        }
    }

    public string ToJson() =>
        JsonSerializer.Serialize(_items.OrderBy(o => o.DocumentId, StringComparer.Ordinal).ThenBy(o => o.Topic, StringComparer.Ordinal), DocumentMapper.Json);

    public IReadOnlyList<TopicOverride> For(string documentId) => _items.Where(o => o.DocumentId == documentId).ToList();

    /// <summary>Sets (true/false) or clears (null) the override of <paramref name="topic"/> on a document.</summary>
    internal void Set(string documentId, string topic, bool? value)
    {
        _items.RemoveAll(o => o.DocumentId == documentId && o.Topic == topic);
        if (value is { } v)
        {
            _items.Add(new TopicOverride(documentId, topic, v, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>The model's topics with this document's overrides applied.</summary>
    public IReadOnlyList<TopicAssignment> Apply(string documentId, IReadOnlyList<TopicAssignment> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = model.ToList();
        foreach (var o in For(documentId))
        {
            var existing = result.FindIndex(a => a.Topic == o.Topic);
            if (o.Value && existing < 0)
            {
                result.Add(new TopicAssignment(o.Topic, 1f, null, Overridden: true));
            }
            else if (o.Value)
            {
                result[existing] = result[existing] with { Overridden = true };
            }
            else if (existing >= 0)
            {
                result.RemoveAt(existing);
            }
        }

        return result.OrderBy(a => a.Topic, StringComparer.Ordinal).ToList();
    }
}
