using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;

namespace Search.Core.Semantic;

/// <summary>One embedded passage: the document it belongs to (id and content hash), its position and text.</summary>
public sealed record PassageEntry(string DocumentId, string DocumentHash, int Index, string Text);

/// <summary>A document's semantic score: its best passage's cosine similarity, and that passage.</summary>
public sealed record DocumentSimilarity(string DocumentId, float Score, PassageEntry Passage);

/// <summary>A vector file that cannot be read.</summary>
public sealed class VectorStoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Passage vectors, searched exactly: normalised vectors, so a dot product is the cosine. Immutable:
/// a change builds a new store, so searches never lock. Saved as a file with a version and a checksum.
/// </summary>
/// <remarks>
/// Layout for 100,000 documents of 500,000 passages (384 dimensions): a store loaded from its file
/// holds in memory only what the first pass reads: the int8 vectors with a scale per row (192 MB),
/// the int8 document centroids, a document ordinal and position per passage, and each document's id
/// and hash once. The float vectors and centroids (768 + 154 MB) and the passage texts stay in the
/// file, memory-mapped: re-scoring touches the rows of the best candidates only, and a text is read
/// when a hit shows its passage. A store built in memory (<see cref="VectorStore(string, int, IReadOnlyList{PassageEntry}, float[])"/>)
/// keeps its arrays instead.
/// </remarks>
public sealed class VectorStore
{
    private const int FormatVersion = 2;
    private const int Alignment = 64;
    private static readonly byte[] Magic = "SVEC"u8.ToArray();

    /// <summary>From this many passages on, a first pass runs on int8 copies of the vectors (a quarter of the memory traffic) and the best candidates are re-scored in float.</summary>
    public const int QuantizeFrom = 20_000;

    /// <summary>How far below the similarity asked for an int8 score may be and still be re-scored (the int8 error of a cosine is well under 0.01 at 384 dimensions).</summary>
    private const float QuantizationMargin = 0.03f;

    // Per document (ordinal).
    private readonly string[] _ids;
    private readonly string[] _hashes;
    private readonly Dictionary<string, int> _ordinals;
    private readonly int[] _documentStart; // the passages of document d are _documentPassages[_documentStart[d].._documentStart[d + 1]]
    private readonly int[] _documentPassages;

    // Per passage (row).
    private readonly int[] _documentOf;
    private readonly int[] _passageIndex;

    // Built in memory, or mapped from the file.
    private readonly float[]? _vectors;
    private readonly string[]? _texts;
    private readonly MappedFile? _mapped;
    private readonly long _vectorsAt;
    private readonly long _centroidsAt;
    private readonly long _textsAt;
    private readonly long[]? _textOffsets;

    // The int8 first pass (from QuantizeFrom passages on).
    private sbyte[]? _quantized;
    private float[]? _scales;
    private sbyte[]? _quantizedCentroids;
    private float[]? _centroidScales;
    private float[]? _centroids;

    public VectorStore(string model, int dimensions, IReadOnlyList<PassageEntry> entries, float[] vectors)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Length != entries.Count * dimensions)
        {
            throw new ArgumentException($"{vectors.Length} floats for {entries.Count} passages of {dimensions} dimensions", nameof(vectors));
        }

        Model = model;
        Dimensions = dimensions;
        Count = entries.Count;
        _vectors = vectors;
        _texts = new string[entries.Count];
        _documentOf = new int[entries.Count];
        _passageIndex = new int[entries.Count];
        _ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        var ids = new List<string>();
        var hashes = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (!_ordinals.TryGetValue(e.DocumentId, out var d))
            {
                _ordinals[e.DocumentId] = d = ids.Count;
                ids.Add(e.DocumentId);
                hashes.Add(e.DocumentHash);
            }

            _documentOf[i] = d;
            _passageIndex[i] = e.Index;
            _texts[i] = e.Text;
        }

        _ids = [.. ids];
        _hashes = [.. hashes];
        (_documentStart, _documentPassages) = ByDocument(_documentOf, _ids.Length);
        if (Count >= QuantizeFrom)
        {
            var centroids = Centroids();
            (_quantized, _scales) = Quantize(i => Vector(i), Count, dimensions);
            (_quantizedCentroids, _centroidScales) = Quantize(d => centroids.AsSpan(d * dimensions, dimensions), _ids.Length, dimensions);
        }

        Entries = new EntryList(this);
        Documents = new DocumentHashes(this);
    }

    /// <summary>A store read from its file (<see cref="Load"/>): tables in memory, vectors and texts mapped.</summary>
    private VectorStore(string model, int dimensions, string[] ids, string[] hashes, int[] documentOf, int[] passageIndex, long[] textOffsets, MappedFile mapped, long vectorsAt)
    {
        Model = model;
        Dimensions = dimensions;
        Count = documentOf.Length;
        _ids = ids;
        _hashes = hashes;
        _ordinals = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var d = 0; d < ids.Length; d++)
        {
            _ordinals[ids[d]] = d;
        }

        _documentOf = documentOf;
        _passageIndex = passageIndex;
        _textOffsets = textOffsets;
        _mapped = mapped;
        _vectorsAt = vectorsAt;
        _centroidsAt = vectorsAt + ((long)Count * dimensions * sizeof(float));
        _textsAt = Layout(Count, ids.Length, dimensions, vectorsAt).Texts;
        (_documentStart, _documentPassages) = ByDocument(_documentOf, _ids.Length);
        Entries = new EntryList(this);
        Documents = new DocumentHashes(this);
    }

    public static VectorStore Empty(string model, int dimensions) => new(model, dimensions, [], []);

    public string Model { get; }

    public int Dimensions { get; }

    /// <summary>The number of passages.</summary>
    public int Count { get; }

    /// <summary>The passages, by row; an entry (with its text) is made when read.</summary>
    public IReadOnlyList<PassageEntry> Entries { get; }

    /// <summary>Document id → the content hash its passages were embedded from.</summary>
    public IReadOnlyDictionary<string, string> Documents { get; }

    /// <summary>The number of documents; a document's ordinal (<see cref="OrdinalOf"/>) is below it.</summary>
    public int DocumentCount => _ids.Length;

    /// <summary>A document's ordinal in this store (the index of its flag in a filter of <see cref="Search(ReadOnlySpan{float}, bool[], int, float)"/>), or -1.</summary>
    public int OrdinalOf(string documentId) => _ordinals.TryGetValue(documentId, out var d) ? d : -1;

    public string DocumentIdAt(int ordinal) => _ids[ordinal];

    public string DocumentHashAt(int ordinal) => _hashes[ordinal];

    /// <summary>True when the float vectors and the texts are read from the mapped file, not held in memory.</summary>
    public bool IsMapped => _mapped is not null;

    /// <summary>The bytes this store holds in managed memory (the mapped file's pages are the OS's to keep or drop).</summary>
    public long ManagedBytes
    {
        get
        {
            long bytes = (_documentOf.Length + _passageIndex.Length + _documentPassages.Length + _documentStart.Length) * (long)sizeof(int);
            bytes += (_vectors?.LongLength ?? 0) * sizeof(float);
            bytes += (_quantized?.LongLength ?? 0) + ((_scales?.LongLength ?? 0) * sizeof(float));
            bytes += (_quantizedCentroids?.LongLength ?? 0) + ((_centroidScales?.LongLength ?? 0) * sizeof(float));
            bytes += (_centroids?.LongLength ?? 0) * sizeof(float);
            bytes += (_textOffsets?.LongLength ?? 0) * sizeof(long);
            bytes += _texts?.Sum(t => 24L + (2L * t.Length)) ?? 0;
            bytes += _ids.Sum(t => 24L + (2L * t.Length)) + _hashes.Sum(t => 24L + (2L * t.Length)) + (_ordinals.Count * 24L);
            return bytes;
        }
    }

    public ReadOnlySpan<float> Vector(int entry) => _vectors is not null
        ? _vectors.AsSpan(entry * Dimensions, Dimensions)
        : _mapped!.Floats(_vectorsAt + ((long)entry * Dimensions * sizeof(float)), Dimensions);

    private ReadOnlySpan<float> CentroidOf(int ordinal) => _mapped is not null
        ? _mapped.Floats(_centroidsAt + ((long)ordinal * Dimensions * sizeof(float)), Dimensions)
        : Centroids().AsSpan(ordinal * Dimensions, Dimensions);

    private string TextOf(int entry)
    {
        if (_texts is not null)
        {
            return _texts[entry];
        }

        var length = (int)(_textOffsets![entry + 1] - _textOffsets[entry]);
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            _mapped!.Read(_textsAt + _textOffsets[entry], bytes.AsSpan(0, length));
            return Encoding.UTF8.GetString(bytes, 0, length);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private PassageEntry EntryAt(int entry)
    {
        var d = _documentOf[entry];
        return new PassageEntry(_ids[d], _hashes[d], _passageIndex[entry], TextOf(entry));
    }

    private static (int[] Start, int[] Passages) ByDocument(int[] documentOf, int documents)
    {
        var start = new int[documents + 1];
        foreach (var d in documentOf)
        {
            start[d + 1]++;
        }

        for (var d = 0; d < documents; d++)
        {
            start[d + 1] += start[d];
        }

        var next = start[..^1];
        var passages = new int[documentOf.Length];
        for (var i = 0; i < documentOf.Length; i++)
        {
            passages[next[documentOf[i]]++] = i;
        }

        return (start, passages);
    }

    private delegate ReadOnlySpan<float> RowOf(int row);

    private static (sbyte[] Values, float[] Scales) Quantize(RowOf rows, int count, int dimensions)
    {
        var values = new sbyte[(long)count * dimensions];
        var scales = new float[count];
        for (var i = 0; i < count; i++)
        {
            QuantizeRow(rows(i), values.AsSpan(i * dimensions, dimensions), out scales[i]);
        }

        return (values, scales);
    }

    private static void QuantizeRow(ReadOnlySpan<float> row, Span<sbyte> into, out float scale)
    {
        var max = row.IsEmpty ? 0 : MathF.Abs(TensorPrimitives.MaxMagnitude(row)); // MaxMagnitude keeps the sign
        scale = max > 0 ? max / 127f : 1f;
        for (var d = 0; d < row.Length; d++)
        {
            into[d] = (sbyte)Math.Round(row[d] / scale);
        }
    }

    internal static int DotInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported && a.Length == b.Length)
        {
            return DotInt8Avx2(a, b);
        }

        var acc = System.Numerics.Vector<int>.Zero;
        var width = System.Numerics.Vector<sbyte>.Count;
        var i = 0;
        for (; i <= a.Length - width; i += width)
        {
            System.Numerics.Vector.Widen(new System.Numerics.Vector<sbyte>(a[i..]), out var al, out var ah);
            System.Numerics.Vector.Widen(new System.Numerics.Vector<sbyte>(b[i..]), out var bl, out var bh);
            System.Numerics.Vector.Widen(al * bl, out var p0, out var p1);
            System.Numerics.Vector.Widen(ah * bh, out var p2, out var p3);
            acc += p0 + p1 + p2 + p3;
        }

        var sum = System.Numerics.Vector.Sum(acc);
        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Sign-extended to 16 bits, multiplied and added in pairs to 32 bits (vpmaddwd): two instructions a 16 bytes.</summary>
    private static int DotInt8Avx2(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        var acc = System.Runtime.Intrinsics.Vector256<int>.Zero;
        var i = 0;
        for (; i <= a.Length - 16; i += 16)
        {
            var x = System.Runtime.Intrinsics.X86.Avx2.ConvertToVector256Int16(System.Runtime.Intrinsics.Vector128.Create(a.Slice(i, 16)));
            var y = System.Runtime.Intrinsics.X86.Avx2.ConvertToVector256Int16(System.Runtime.Intrinsics.Vector128.Create(b.Slice(i, 16)));
            acc = System.Runtime.Intrinsics.X86.Avx2.Add(acc, System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(x, y));
        }

        var sum = System.Runtime.Intrinsics.Vector256.Sum(acc);
        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>The documents <paramref name="include"/> accepts (it is asked once per document, with its first passage), as a filter for <see cref="Search(ReadOnlySpan{float}, bool[], int, float)"/>.</summary>
    public bool[] DocumentsWhere(Func<PassageEntry, bool> include)
    {
        ArgumentNullException.ThrowIfNull(include);
        var accepted = new bool[DocumentCount];
        for (var d = 0; d < accepted.Length; d++)
        {
            accepted[d] = _documentStart[d + 1] > _documentStart[d] && include(EntryAt(_documentPassages[_documentStart[d]]));
        }

        return accepted;
    }

    /// <summary>Best passage per document, for the documents <paramref name="include"/> accepts (asked once per document), highest first.</summary>
    public IReadOnlyList<DocumentSimilarity> Search(ReadOnlySpan<float> query, Func<PassageEntry, bool>? include, int limit) =>
        Search(query, include is null ? null : DocumentsWhere(include), limit);

    /// <summary>
    /// The <paramref name="limit"/> documents most similar to <paramref name="query"/>, and every other
    /// one at least <paramref name="minScore"/> similar, among those flagged in <paramref name="include"/>
    /// (by ordinal; all when null), highest first (ties by document id). A document's score is its best
    /// passage's cosine blended with its centroid's (<see cref="CentroidWeight"/>).
    /// </summary>
    /// <remarks>
    /// Every passage is scored (exact search), in parallel over the cores, a document at a time. From
    /// <see cref="QuantizeFrom"/> passages on, the pass runs on the int8 vectors and its best documents
    /// (four times as many as asked, at least 200, and those within <see cref="QuantizationMargin"/> of
    /// <paramref name="minScore"/>) are re-scored in float: the scores returned are exact.
    /// </remarks>
    public IReadOnlyList<DocumentSimilarity> Search(ReadOnlySpan<float> query, bool[]? include, int limit, float minScore = float.PositiveInfinity)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"query has {query.Length} dimensions; the store holds {Dimensions}", nameof(query));
        }

        if (include is not null && include.Length < DocumentCount)
        {
            throw new ArgumentException($"the filter has {include.Length} flags; the store holds {DocumentCount} documents", nameof(include));
        }

        if (Count == 0 || limit <= 0)
        {
            return [];
        }

        var documents = DocumentCount;
        var best = System.Buffers.ArrayPool<float>.Shared.Rent(documents);
        var bestEntry = System.Buffers.ArrayPool<int>.Shared.Rent(documents);
        try
        {
            var q = query.ToArray();
            if (_quantized is null)
            {
                ScoreAll(q, include, best, bestEntry);
                return Top(best, bestEntry, Enumerable.Range(0, documents), limit, minScore);
            }

            ScoreAllInt8(q, include, best);
            var candidates = Candidates(best, Math.Max(limit * 4, 200), minScore - QuantizationMargin);
            foreach (var d in candidates)
            {
                best[d] = Exact(q, d, out bestEntry[d]);
            }

            return Top(best, bestEntry, candidates, limit, minScore);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(best);
            System.Buffers.ArrayPool<int>.Shared.Return(bestEntry);
            GC.KeepAlive(_mapped);
        }
    }

    /// <summary>Documents per parallel part: enough work to pay for a thread hop.</summary>
    private const int DocumentsPerPart = 2048;

    /// <summary>Threads one search scans with (default: one per core; <c>search bench-semantic --scan-threads</c> compares).</summary>
    public int ScanThreads { get; set; } = Environment.ProcessorCount;

    private void ForEachPart(int documents, Action<int> part)
    {
        var parts = (documents + DocumentsPerPart - 1) / DocumentsPerPart;
        if (ScanThreads <= 1 || parts == 1)
        {
            for (var p = 0; p < parts; p++)
            {
                part(p);
            }

            return;
        }

        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = ScanThreads }, part);
    }

    private void ScoreAll(float[] q, bool[]? include, float[] best, int[] bestEntry)
    {
        var documents = DocumentCount;
        ForEachPart(documents, part =>
        {
            var end = Math.Min(documents, (part + 1) * DocumentsPerPart);
            for (var d = part * DocumentsPerPart; d < end; d++)
            {
                best[d] = include is null || include[d] ? Exact(q, d, out bestEntry[d]) : float.NegativeInfinity;
            }
        });
    }

    private void ScoreAllInt8(float[] q, bool[]? include, float[] best)
    {
        var quantized = _quantized!;
        var scales = _scales!;
        var centroids = _quantizedCentroids!;
        var centroidScales = _centroidScales!;
        var dimensions = Dimensions;
        var qq = new sbyte[dimensions];
        QuantizeRow(q, qq, out var qScale);
        var documents = DocumentCount;
        ForEachPart(documents, part =>
        {
            var end = Math.Min(documents, (part + 1) * DocumentsPerPart);
            for (var d = part * DocumentsPerPart; d < end; d++)
            {
                if (include is not null && !include[d])
                {
                    best[d] = float.NegativeInfinity;
                    continue;
                }

                var top = float.NegativeInfinity;
                for (var k = _documentStart[d]; k < _documentStart[d + 1]; k++)
                {
                    var i = _documentPassages[k];
                    top = Math.Max(top, DotInt8(quantized.AsSpan(i * dimensions, dimensions), qq) * scales[i]);
                }

                var centroid = DotInt8(centroids.AsSpan(d * dimensions, dimensions), qq) * centroidScales[d];
                best[d] = ((1 - CentroidWeight) * top * qScale) + (CentroidWeight * centroid * qScale);
            }
        });
    }

    /// <summary>One document's exact score (as <see cref="Search(ReadOnlySpan{float}, bool[], int, float)"/> gives it) and its best passage.</summary>
    public DocumentSimilarity Score(ReadOnlySpan<float> query, int ordinal)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"query has {query.Length} dimensions; the store holds {Dimensions}", nameof(query));
        }

        var score = Exact(query.ToArray(), ordinal, out var entry);
        GC.KeepAlive(_mapped);
        return new DocumentSimilarity(_ids[ordinal], score, EntryAt(entry));
    }

    /// <summary>A document's exact score (float), and its best passage.</summary>
    /// <remarks>
    /// A loaded store reads the document's float rows and centroid with positional reads (one for its
    /// passages when their rows follow each other, as they are written), not through the mapping: a
    /// query's candidates are different documents each time, and mapped pages, once touched, would
    /// count in the process's resident memory until the OS reclaims them.
    /// </remarks>
    private float Exact(float[] q, int d, out int bestEntry)
    {
        var start = _documentStart[d];
        var n = _documentStart[d + 1] - start;
        var dimensions = Dimensions;
        var rows = System.Buffers.ArrayPool<float>.Shared.Rent((n + 1) * dimensions);
        try
        {
            if (_mapped is null)
            {
                for (var k = 0; k < n; k++)
                {
                    Vector(_documentPassages[start + k]).CopyTo(rows.AsSpan(k * dimensions, dimensions));
                }

                CentroidOf(d).CopyTo(rows.AsSpan(n * dimensions, dimensions));
            }
            else
            {
                var first = _documentPassages[start];
                var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(rows.AsSpan(0, (n + 1) * dimensions));
                var rowBytes = dimensions * sizeof(float);
                if (n > 0 && _documentPassages[start + n - 1] == first + n - 1)
                {
                    _mapped.Read(_vectorsAt + ((long)first * rowBytes), bytes[..(n * rowBytes)]);
                }
                else
                {
                    for (var k = 0; k < n; k++)
                    {
                        _mapped.Read(_vectorsAt + ((long)_documentPassages[start + k] * rowBytes), bytes.Slice(k * rowBytes, rowBytes));
                    }
                }

                _mapped.Read(_centroidsAt + ((long)d * rowBytes), bytes.Slice(n * rowBytes, rowBytes));
            }

            var top = float.NegativeInfinity;
            bestEntry = -1;
            for (var k = 0; k < n; k++)
            {
                var score = TensorPrimitives.Dot(q, rows.AsSpan(k * dimensions, dimensions));
                if (score > top)
                {
                    top = score;
                    bestEntry = _documentPassages[start + k];
                }
            }

            return ((1 - CentroidWeight) * top) + (CentroidWeight * TensorPrimitives.Dot(q, rows.AsSpan(n * dimensions, dimensions)));
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(rows);
        }
    }

    /// <summary>The <paramref name="count"/> best documents by their first-pass score, and all from <paramref name="floor"/> up.</summary>
    private List<int> Candidates(float[] best, int count, float floor)
    {
        var heap = new PriorityQueue<int, float>(count + 1);
        var above = new List<int>();
        for (var d = 0; d < DocumentCount; d++)
        {
            var score = best[d];
            if (float.IsNegativeInfinity(score))
            {
                continue;
            }

            if (score >= floor)
            {
                above.Add(d);
            }
            else if (heap.Count < count)
            {
                heap.Enqueue(d, score);
            }
            else if (heap.TryPeek(out _, out var lowest) && score > lowest)
            {
                heap.EnqueueDequeue(d, score);
            }
        }

        above.AddRange(heap.UnorderedItems.Select(x => x.Element));
        return above;
    }

    /// <summary>The top <paramref name="limit"/> of <paramref name="documents"/> (ties by document id) and the others from <paramref name="minScore"/> up, highest first.</summary>
    private DocumentSimilarity[] Top(float[] best, int[] bestEntry, IEnumerable<int> documents, int limit, float minScore)
    {
        var comparer = Comparer<(float Score, string Id)>.Create((a, b) =>
        {
            var c = a.Score.CompareTo(b.Score);
            return c != 0 ? c : string.CompareOrdinal(b.Id, a.Id);
        });
        var heap = new PriorityQueue<int, (float Score, string Id)>(limit + 1, comparer);
        var above = new List<int>();
        foreach (var d in documents)
        {
            if (float.IsNegativeInfinity(best[d]))
            {
                continue;
            }

            var key = (best[d], _ids[d]);
            if (best[d] >= minScore)
            {
                above.Add(d);
            }
            else if (heap.Count < limit)
            {
                heap.Enqueue(d, key);
            }
            else if (heap.TryPeek(out _, out var lowest) && comparer.Compare(key, lowest) > 0)
            {
                heap.EnqueueDequeue(d, key);
            }
        }

        // Those above the floor come first anyway; the heap tops them up to the limit.
        above.Sort((a, b) => comparer.Compare((best[b], _ids[b]), (best[a], _ids[a])));
        var rest = new List<int>();
        while (heap.Count > 0)
        {
            rest.Add(heap.Dequeue());
        }

        rest.Reverse();
        return [.. above.Concat(rest.Take(Math.Max(0, limit - above.Count))).Select(d => new DocumentSimilarity(_ids[d], best[d], EntryAt(bestEntry[d])))];
    }

    /// <summary>
    /// The share of a document's centroid in its score (the rest is its best passage's similarity).
    /// Passages are short (the topic classifier's size, no title in front), so the best one alone is a
    /// noisy document score: on the bundled judged queries semantic nDCG@10 is 0.748 with it alone and
    /// 0.792 / 0.798 / 0.800 / 0.794 with a weight of 0.2 / 0.3 / 0.5 / 0.7, hybrid 0.822 / 0.822 /
    /// 0.819 / 0.817 / not run (flat: differences of 0.005 are noise on 57 queries); 0.3 is taken.
    /// </summary>
    public const float CentroidWeight = 0.3f;

    /// <summary>Every document's normalised passage centroid, by document ordinal (a store built in memory; a loaded one reads them from its file).</summary>
    private float[] Centroids() => LazyInitializer.EnsureInitialized(ref _centroids, () =>
    {
        var sums = new float[DocumentCount * Dimensions];
        for (var i = 0; i < Count; i++)
        {
            var row = sums.AsSpan(_documentOf[i] * Dimensions, Dimensions);
            TensorPrimitives.Add(row, Vector(i), row);
        }

        for (var d = 0; d < DocumentCount; d++)
        {
            var row = sums.AsSpan(d * Dimensions, Dimensions);
            var norm = TensorPrimitives.Norm(row);
            if (norm > 0)
            {
                TensorPrimitives.Divide(row, norm, row);
            }
        }

        return sums;
    });

    /// <summary>The positions of a document's passages in <see cref="Entries"/>, in passage order (none when it has no vectors).</summary>
    public IReadOnlyList<int> EntriesOf(string documentId)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        var d = OrdinalOf(documentId);
        return d < 0 ? [] : new ArraySegment<int>(_documentPassages, _documentStart[d], _documentStart[d + 1] - _documentStart[d]);
    }

    /// <summary>The normalised mean of a document's passage vectors (its centroid), or null when it has none.</summary>
    public float[]? Centroid(string documentId)
    {
        var d = OrdinalOf(documentId ?? throw new ArgumentNullException(nameof(documentId)));
        return d < 0 ? null : CentroidOf(d).ToArray();
    }

    /// <summary>A new store with the documents of <paramref name="keep"/> from this one and the passages added.</summary>
    public VectorStore With(Func<PassageEntry, bool> keep, IReadOnlyList<(PassageEntry Entry, float[] Vector)> added)
    {
        ArgumentNullException.ThrowIfNull(keep);
        ArgumentNullException.ThrowIfNull(added);
        var kept = DocumentsWhere(keep);
        var rows = Enumerable.Range(0, Count).Where(i => kept[_documentOf[i]]).ToList();
        var entries = new List<PassageEntry>(rows.Count + added.Count);
        var vectors = new float[(rows.Count + added.Count) * Dimensions];
        foreach (var i in rows)
        {
            Vector(i).CopyTo(vectors.AsSpan(entries.Count * Dimensions));
            entries.Add(EntryAt(i));
        }

        foreach (var (entry, vector) in added)
        {
            vector.CopyTo(vectors.AsSpan(entries.Count * Dimensions));
            entries.Add(entry);
        }

        GC.KeepAlive(_mapped);
        return new VectorStore(Model, Dimensions, entries, vectors);
    }

    /// <summary>Where the regions after the tables start: float vectors, float centroids, int8 vectors, their scales, int8 centroids, their scales, texts.</summary>
    private static (long Vectors, long Centroids, long Quantized, long Scales, long QuantizedCentroids, long CentroidScales, long Texts) Layout(int count, int documents, int dimensions, long vectorsAt)
    {
        var centroids = vectorsAt + ((long)count * dimensions * sizeof(float));
        var quantized = centroids + ((long)documents * dimensions * sizeof(float));
        var scales = Align(quantized + ((long)count * dimensions), sizeof(float));
        var quantizedCentroids = scales + ((long)count * sizeof(float));
        var centroidScales = Align(quantizedCentroids + ((long)documents * dimensions), sizeof(float));
        var texts = centroidScales + ((long)documents * sizeof(float));
        return (vectorsAt, centroids, quantized, scales, quantizedCentroids, centroidScales, texts);
    }

    private static long Align(long position, int to) => (position + to - 1) / to * to;

    /// <summary>
    /// Writes the store: a header (format version), the documents (id, hash) and passages (document,
    /// position, text length), then aligned for mapping: float vectors, float centroids, int8 vectors and
    /// centroids with their scales (the first pass, read into memory at load), the texts (UTF-8); and a
    /// SHA-256 of all of it at the end. Streamed: nothing is copied whole into memory.
    /// </summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (quantized, scales) = _quantized is not null ? (_quantized, _scales!) : Quantize(i => Vector(i), Count, Dimensions);
        var (quantizedCentroids, centroidScales) = _quantizedCentroids is not null ? (_quantizedCentroids, _centroidScales!) : Quantize(CentroidOf, DocumentCount, Dimensions);
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            using var sha = SHA256.Create();
            using (var hashing = new CryptoStream(file, sha, CryptoStreamMode.Write, leaveOpen: true))
            using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
            {
                long position = 0;
                void Bytes(ReadOnlySpan<byte> bytes)
                {
                    writer.Write(bytes);
                    position += bytes.Length;
                }

                void Pad(long to)
                {
                    while (position < to)
                    {
                        Bytes([0]);
                    }
                }

                using (var header = new MemoryStream())
                {
                    using (var h = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true))
                    {
                        h.Write(Magic);
                        h.Write(FormatVersion);
                        h.Write(Model);
                        h.Write(Dimensions);
                        h.Write(DocumentCount);
                        h.Write(Count);
                        for (var d = 0; d < DocumentCount; d++)
                        {
                            h.Write(_ids[d]);
                            h.Write(_hashes[d]);
                        }

                        for (var i = 0; i < Count; i++)
                        {
                            h.Write(_documentOf[i]);
                            h.Write(_passageIndex[i]);
                            h.Write(Encoding.UTF8.GetByteCount(TextOf(i)));
                        }
                    }

                    Bytes(header.GetBuffer().AsSpan(0, (int)header.Length));
                }

                var layout = Layout(Count, DocumentCount, Dimensions, Align(position, Alignment));
                Pad(layout.Vectors);
                for (var i = 0; i < Count; i++)
                {
                    Bytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Vector(i)));
                }

                for (var d = 0; d < DocumentCount; d++)
                {
                    Bytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(CentroidOf(d)));
                }

                Bytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(quantized.AsSpan()));
                Pad(layout.Scales);
                Bytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(scales.AsSpan()));
                Bytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(quantizedCentroids.AsSpan()));
                Pad(layout.CentroidScales);
                Bytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(centroidScales.AsSpan()));
                for (var i = 0; i < Count; i++)
                {
                    Bytes(Encoding.UTF8.GetBytes(TextOf(i)));
                }
            }

            file.Write(sha.Hash);
            file.Flush(flushToDisk: true);
        }

        GC.KeepAlive(_mapped);
    }

    /// <summary>Reads a vector file: checks its version and checksum, reads the tables and the int8 first pass, and maps the rest.</summary>
    public static VectorStore Load(string path) => Load(path, verify: true);

    /// <param name="verify">False for a file this process has just written (its checksum is known good).</param>
    internal static VectorStore Load(string path, bool verify)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20);
            var length = file.Length;
            if (length < 32 + Magic.Length + sizeof(int))
            {
                throw new VectorStoreException($"vector file '{path}' is truncated");
            }

            using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new VectorStoreException($"vector file '{path}' is not a vector file");
            }

            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                // An older layout: the caller embeds again (from the embedding cache, so it is quick).
                throw new VectorStoreException($"vector file '{path}' is of format {version}, not {FormatVersion}");
            }

            if (verify)
            {
                Verify(file, length, path);
                file.Position = Magic.Length + sizeof(int);
            }

            var model = reader.ReadString();
            var dimensions = reader.ReadInt32();
            var documents = reader.ReadInt32();
            var count = reader.ReadInt32();
            if (dimensions <= 0 || documents < 0 || count < 0)
            {
                throw new VectorStoreException($"vector file '{path}' has a bad header");
            }

            var ids = new string[documents];
            var hashes = new string[documents];
            for (var d = 0; d < documents; d++)
            {
                ids[d] = reader.ReadString();
                hashes[d] = reader.ReadString();
            }

            var documentOf = new int[count];
            var passageIndex = new int[count];
            var textOffsets = new long[count + 1];
            for (var i = 0; i < count; i++)
            {
                documentOf[i] = reader.ReadInt32();
                passageIndex[i] = reader.ReadInt32();
                textOffsets[i + 1] = textOffsets[i] + reader.ReadInt32();
                if ((uint)documentOf[i] >= (uint)documents)
                {
                    throw new VectorStoreException($"vector file '{path}': passage {i} names document {documentOf[i]} of {documents}");
                }
            }

            var layout = Layout(count, documents, dimensions, Align(file.Position, Alignment));
            if (layout.Texts + textOffsets[count] + 32 != length)
            {
                throw new VectorStoreException($"vector file '{path}' is {length} bytes, not the {layout.Texts + textOffsets[count] + 32} its header implies");
            }

            var store = new VectorStore(model, dimensions, ids, hashes, documentOf, passageIndex, textOffsets, new MappedFile(path), layout.Vectors);
            if (count >= QuantizeFrom)
            {
                store._quantized = ReadArray<sbyte>(file, layout.Quantized, (long)count * dimensions);
                store._scales = ReadArray<float>(file, layout.Scales, count);
                store._quantizedCentroids = ReadArray<sbyte>(file, layout.QuantizedCentroids, (long)documents * dimensions);
                store._centroidScales = ReadArray<float>(file, layout.CentroidScales, documents);
            }

            return store;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentException or FormatException or UnauthorizedAccessException)
        {
            throw new VectorStoreException($"vector file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>The SHA-256 at the end against the content, read a megabyte at a time.</summary>
    private static void Verify(FileStream file, long length, string path)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        file.Position = 0;
        var left = length - 32;
        while (left > 0)
        {
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new VectorStoreException($"vector file '{path}' is truncated");
            }

            hash.AppendData(buffer, 0, read);
            left -= read;
        }

        var expected = new byte[32];
        file.ReadExactly(expected);
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(expected))
        {
            throw new VectorStoreException($"vector file '{path}' fails its checksum (damaged or incomplete)");
        }
    }

    private static T[] ReadArray<T>(FileStream file, long offset, long count)
        where T : unmanaged
    {
        var values = new T[count];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        while (!bytes.IsEmpty)
        {
            var read = RandomAccess.Read(file.SafeFileHandle, bytes, offset);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            bytes = bytes[read..];
            offset += read;
        }

        return values;
    }

    /// <summary>The passages as entries, each made when read (a loaded store reads its text from the file).</summary>
    private sealed class EntryList(VectorStore store) : IReadOnlyList<PassageEntry>
    {
        public PassageEntry this[int index] => (uint)index < (uint)store.Count ? store.EntryAt(index) : throw new ArgumentOutOfRangeException(nameof(index));

        public int Count => store.Count;

        public IEnumerator<PassageEntry> GetEnumerator()
        {
            for (var i = 0; i < store.Count; i++)
            {
                yield return store.EntryAt(i);
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Document id → hash over the ordinals (one string of each per document).</summary>
    private sealed class DocumentHashes(VectorStore store) : IReadOnlyDictionary<string, string>
    {
        public string this[string key] => store._hashes[store._ordinals[key]];

        public IEnumerable<string> Keys => store._ids;

        public IEnumerable<string> Values => store._hashes;

        public int Count => store._ids.Length;

        public bool ContainsKey(string key) => store._ordinals.ContainsKey(key);

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value)
        {
            if (store._ordinals.TryGetValue(key, out var d))
            {
                value = store._hashes[d];
                return true;
            }

            value = null;
            return false;
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => store._ids.Select((id, d) => KeyValuePair.Create(id, store._hashes[d])).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
