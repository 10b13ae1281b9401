using System.Security.Cryptography;
using System.Text;

namespace Search.Core.Semantic;

/// <summary>
/// Embeddings by content hash (model name + text), kept in an append-only file: embedding unchanged
/// text again costs nothing, across runs and processes. New vectors are held in memory and appended
/// by <see cref="Flush"/> under an exclusive OS lock on the file, so two processes never interleave
/// records; a torn last record (a crash while appending) is ignored on load and cut off by the next
/// append. No file handle is kept open between appends. Only the hashes and where their vectors are
/// in the file are held in memory (about 60 bytes a vector, not 1.5 KB: 500,000 passages would
/// otherwise take 800 MB of a service's memory); a vector is read from the file when asked for.
/// </summary>
public sealed class EmbeddingCache : IDisposable
{
    private const int HashBytes = 32;
    private readonly Dictionary<Hash, long> _stored = [];
    private readonly Dictionary<Hash, float[]> _added = [];
    private readonly List<(Hash Key, float[] Vector)> _pending = [];
    private readonly System.Threading.Lock _lock = new();
    private readonly string? _path;
    private readonly int _dimensions;

    /// <summary>A SHA-256, as four words (a dictionary key of 32 bytes, not a 64-character string).</summary>
    private readonly record struct Hash(ulong A, ulong B, ulong C, ulong D)
    {
        public static Hash Of(ReadOnlySpan<byte> bytes) => new(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));

        public void CopyTo(Span<byte> bytes)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, A);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], B);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], C);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], D);
        }
    }

    /// <param name="path">The cache file, or null for a cache in memory only.</param>
    public EmbeddingCache(string? path, int dimensions)
    {
        _dimensions = dimensions;
        _path = path;
        if (path is null || !File.Exists(path))
        {
            return;
        }

        var record = RecordBytes;
        using var file = OpenShared(path);
        var complete = file.Length / record * record;
        var hash = new byte[HashBytes];
        for (long at = 0; at + record <= complete; at += record)
        {
            ReadExactly(file, hash, at);
            _stored[Hash.Of(hash)] = at + HashBytes;
        }
    }

    private int RecordBytes => HashBytes + (_dimensions * sizeof(float));

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _stored.Count + _added.Count;
            }
        }
    }

    public static string Key(string model, string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(model + "\n" + text)));

    public bool TryGet(string key, out float[] vector)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = Hash.Of(Convert.FromHexString(key));
        long offset;
        lock (_lock)
        {
            if (_added.TryGetValue(hash, out vector!))
            {
                return true;
            }

            if (!_stored.TryGetValue(hash, out offset))
            {
                return false;
            }
        }

        vector = new float[_dimensions];
        using var file = OpenShared(_path!);
        ReadExactly(file, System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()), offset);
        return true;
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

        var hash = Hash.Of(Convert.FromHexString(key));
        lock (_lock)
        {
            if (!_stored.ContainsKey(hash) && _added.TryAdd(hash, vector) && _path is not null)
            {
                _pending.Add((hash, vector));
            }
        }
    }

    private static void ReadExactly(FileStream file, Span<byte> into, long offset)
    {
        while (!into.IsEmpty)
        {
            var read = RandomAccess.Read(file.SafeFileHandle, into, offset);
            if (read == 0)
            {
                throw new EndOfStreamException($"the embedding cache ends at {offset}");
            }

            into = into[read..];
            offset += read;
        }
    }

    /// <summary>
    /// Embeds texts through the cache: cached ones cost nothing, the rest go to the model in batches
    /// of <paramref name="batchSize"/> (by length) and are added; progress after each batch; new vectors are
    /// written to the file at the end.
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

        // Similar lengths batched together: the model pads a batch to its longest text, and padding is
        // work thrown away (bench-semantic --throughput).
        todo.Sort((a, b) => texts[a].Length != texts[b].Length ? texts[a].Length.CompareTo(texts[b].Length) : a.CompareTo(b));
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

        Flush();
        return result;
    }

    /// <summary>Appends the vectors added since the last flush to the file, under an exclusive lock (waits for another process's append).</summary>
    public void Flush()
    {
        lock (_lock)
        {
            if (_path is null || _pending.Count == 0)
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            using var file = OpenExclusive(_path);
            var record = RecordBytes;
            file.SetLength(file.Length / record * record); // a torn record from a crash
            file.Position = file.Length;
            var bytes = new byte[record];
            var written = new List<(Hash Key, long Offset)>(_pending.Count);
            foreach (var (key, vector) in _pending)
            {
                key.CopyTo(bytes);
                Buffer.BlockCopy(vector, 0, bytes, HashBytes, _dimensions * sizeof(float));
                written.Add((key, file.Position + HashBytes));
                file.Write(bytes);
            }

            file.Flush(flushToDisk: true);
            _pending.Clear();

            // Written: read from the file from now on, not held.
            foreach (var (key, offset) in written)
            {
                _stored.TryAdd(key, offset);
                _added.Remove(key);
            }
        }
    }

    private static FileStream OpenShared(string path) => Retry(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));

    private static FileStream OpenExclusive(string path) => Retry(() => new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));

    /// <summary>Another process appending holds the file for a moment: try again for up to a minute.</summary>
    private static FileStream Retry(Func<FileStream> open)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return open();
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(100);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs only time: the vectors are embedded again next run.
        }
    }
}
