using System.Security.Cryptography;
using System.Text;

namespace Search.Core.Semantic;

/// <summary>
/// Embeddings by content hash (model name + text), in an append-only file: re-embedding unchanged
/// text costs nothing, across runs. A torn last record (a crash while appending) is ignored on load.
/// </summary>
public sealed class EmbeddingCache : IDisposable
{
    private const int HashBytes = 32;
    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);
    private readonly System.Threading.Lock _lock = new();
    private readonly FileStream? _file;
    private readonly int _dimensions;

    /// <param name="path">The cache file, or null for a cache in memory only.</param>
    public EmbeddingCache(string? path, int dimensions)
    {
        _dimensions = dimensions;
        if (path is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var record = HashBytes + (dimensions * sizeof(float));
        var complete = _file.Length / record * record;
        var buffer = new byte[record];
        while (_file.Position + record <= complete)
        {
            _file.ReadExactly(buffer);
            var vector = new float[dimensions];
            Buffer.BlockCopy(buffer, HashBytes, vector, 0, dimensions * sizeof(float));
            _vectors[Convert.ToHexString(buffer, 0, HashBytes)] = vector;
        }

        _file.SetLength(complete);
        _file.Position = complete;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _vectors.Count;
            }
        }
    }

    public static string Key(string model, string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(model + "\n" + text)));

    public bool TryGet(string key, out float[] vector)
    {
        lock (_lock)
        {
            return _vectors.TryGetValue(key, out vector!);
        }
    }

    public void Add(string key, float[] vector)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(vector);
        if (key.Length != HashBytes * 2)
        {
            throw new ArgumentException("the key must be a SHA-256 in hex, as Key() makes it", nameof(key));
        }

        if (vector.Length != _dimensions)
        {
            throw new ArgumentException($"vector has {vector.Length} dimensions; the cache holds {_dimensions}", nameof(vector));
        }

        lock (_lock)
        {
            if (!_vectors.TryAdd(key, vector) || _file is null)
            {
                return;
            }

            var record = new byte[HashBytes + (_dimensions * sizeof(float))];
            Convert.FromHexString(key).CopyTo(record, 0);
            Buffer.BlockCopy(vector, 0, record, HashBytes, _dimensions * sizeof(float));
            _file.Write(record);
        }
    }

    /// <summary>
    /// Embeds texts through the cache: cached ones cost nothing, the rest go to the model in batches
    /// of <paramref name="batchSize"/> and are added; progress after each batch.
    /// </summary>
    public float[][] EmbedAll(IEmbeddingModel model, IReadOnlyList<string> texts, int batchSize, IProgress<EmbeddingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        var todo = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (TryGet(Key(model.Name, texts[i]), out var cached))
            {
                result[i] = cached;
            }
            else
            {
                todo.Add(i);
            }
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var start = 0; start < todo.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = todo.Skip(start).Take(batchSize).ToList();
            var embedded = model.Embed(batch.Select(i => texts[i]).ToList(), cancellationToken);
            for (var j = 0; j < batch.Count; j++)
            {
                result[batch[j]] = embedded[j];
                Add(Key(model.Name, texts[batch[j]]), embedded[j]);
            }

            var done = Math.Min(start + batchSize, todo.Count);
            var rate = done / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
            progress?.Report(new EmbeddingProgress(done, todo.Count, rate, TimeSpan.FromSeconds((todo.Count - done) / Math.Max(rate, 1e-3))));
        }

        if (todo.Count > 0)
        {
            Flush(); // nothing to sync when all came from the cache (ingestion asks for every document)
        }

        return result;
    }

    public void Flush()
    {
        lock (_lock)
        {
            _file?.Flush(flushToDisk: true);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_file is null || !_file.CanWrite)
            {
                return; // in memory, or disposed already
            }

            _file.Flush(flushToDisk: true);
            _file.Dispose();
        }
    }
}
