using System.Collections.Concurrent;
using Search.Core.Semantic;

namespace Search.Core.Tests.Support;

/// <summary>The real model, counting how often each text is embedded.</summary>
internal sealed class CountingModel(IEmbeddingModel inner) : IEmbeddingModel
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public string Name => inner.Name;

    public int Dimensions => inner.Dimensions;

    /// <summary>How many times <paramref name="text"/> was given to the model.</summary>
    public int Count(string text) => _counts.GetValueOrDefault(text);

    public int Total => _counts.Values.Sum();

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        foreach (var text in texts)
        {
            _counts.AddOrUpdate(text, 1, (_, n) => n + 1);
        }

        return inner.Embed(texts, cancellationToken);
    }
}
