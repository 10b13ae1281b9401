using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Search.Core.Classification;

/// <summary>A user's decision on one topic of one document: <c>Value</c> true adds the topic, false removes it.</summary>
public sealed record TopicOverride(string DocumentId, string Topic, bool Value, DateTimeOffset At);

/// <summary>
/// Topic overrides, kept in a JSON file apart from the index: they survive re-ingestion,
/// retraining and rebuilding the index. Writes replace the file atomically.
/// </summary>
public sealed class TopicOverrides(IOptions<SearchOptions> options)
{
    private readonly System.Threading.Lock _lock = new();
    private List<TopicOverride>? _items;

    private string FilePath => options.Value.OverridesPath;

    public IReadOnlyList<TopicOverride> All()
    {
        lock (_lock)
        {
            return [.. Items()];
        }
    }

    public IReadOnlyList<TopicOverride> For(string documentId)
    {
        lock (_lock)
        {
            return Items().Where(o => o.DocumentId == documentId).ToList();
        }
    }

    /// <summary>Sets (true/false) or clears (null) the override of <paramref name="topic"/> on a document.</summary>
    public void Set(string documentId, string topic, bool? value)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(topic);
        lock (_lock)
        {
            var items = Items();
            items.RemoveAll(o => o.DocumentId == documentId && o.Topic == topic);
            if (value is { } v)
            {
                items.Add(new TopicOverride(documentId, topic, v, DateTimeOffset.UtcNow));
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
            var temp = FilePath + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(items.OrderBy(o => o.DocumentId, StringComparer.Ordinal).ThenBy(o => o.Topic, StringComparer.Ordinal), Indexing.DocumentMapper.Json));
            File.Move(temp, FilePath, overwrite: true);
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

    private List<TopicOverride> Items()
    {
        if (_items is null)
        {
            _items = [];
            if (File.Exists(FilePath))
            {
                try
                {
                    _items = JsonSerializer.Deserialize<List<TopicOverride>>(File.ReadAllText(FilePath), Indexing.DocumentMapper.Json) ?? [];
                }
                catch (JsonException ex)
                {
                    throw new InvalidOperationException($"the topic overrides file '{FilePath}' is not valid JSON (line {ex.LineNumber}): fix or remove it", ex);
                }
            }
        }

        return _items;
    }
}
