using Search.Core.Semantic;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Semantic;

public sealed class VectorStoreTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static float[] Unit(int dimensions, params (int Index, float Value)[] values)
    {
        var v = new float[dimensions];
        foreach (var (i, x) in values)
        {
            v[i] = x;
        }

        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static VectorStore Sample() => new("test-model", 4,
        [
            new PassageEntry("a.docx", "h1", 0, "first passage of a"),
            new PassageEntry("a.docx", "h1", 1, "second passage of a"),
            new PassageEntry("b.txt", "h2", 0, "only passage of b"),
        ],
        [.. Unit(4, (0, 1)), .. Unit(4, (1, 1)), .. Unit(4, (0, 1), (1, 1))]);

    [Fact]
    public void SaveAndLoad_RoundTripsEntriesAndVectors()
    {
        var store = Sample();
        var path = _temp.Combine("v.svec");
        store.Save(path);

        var loaded = VectorStore.Load(path);

        Assert.Equal(store.Model, loaded.Model);
        Assert.Equal(store.Dimensions, loaded.Dimensions);
        Assert.Equal(store.Entries, loaded.Entries);
        for (var i = 0; i < store.Entries.Count; i++)
        {
            Assert.Equal(store.Vector(i).ToArray(), loaded.Vector(i).ToArray());
        }
    }

    [Fact]
    public void DamagedFile_IsRefusedByItsChecksum()
    {
        var path = _temp.Combine("v.svec");
        Sample().Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<VectorStoreException>(() => VectorStore.Load(path));
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_ScoresADocumentByItsBestPassageBlendedWithItsCentroid_AndHonoursTheFilter()
    {
        var store = Sample();
        var query = Unit(4, (1, 1));

        var all = store.Search(query, null, 10);
        Assert.Equal(["a.docx", "b.txt"], all.Select(r => r.DocumentId));
        var w = VectorStore.CentroidWeight;
        Assert.Equal(((1 - w) * 1f) + (w * MathF.Sqrt(0.5f)), all[0].Score, 5); // best passage e1, centroid (e0 + e1) / √2
        Assert.Equal(1, all[0].Passage.Index);
        Assert.Equal(MathF.Sqrt(0.5f), all[1].Score, 5); // one passage: it is its own centroid

        var filtered = store.Search(query, e => e.DocumentId == "b.txt", 10);
        Assert.Equal(["b.txt"], filtered.Select(r => r.DocumentId));
    }

    [Fact]
    public void With_KeepsAndAddsPassages()
    {
        var next = Sample().With(e => e.DocumentId != "a.docx", [(new PassageEntry("c.pdf", "h3", 0, "c"), Unit(4, (2, 1)))]);
        Assert.Equal(["b.txt", "c.pdf"], next.Documents.Keys.Order());
        Assert.Equal(Unit(4, (2, 1)), next.Vector(1).ToArray());
    }

    [Fact]
    public void EmbeddingCache_SurvivesReopening_AndIgnoresATornRecord()
    {
        var path = _temp.Combine("cache.bin");
        using (var cache = new EmbeddingCache(path, 4))
        {
            cache.Add(EmbeddingCache.Key("m", "first"), Unit(4, (0, 1)));
            cache.Add(EmbeddingCache.Key("m", "second"), Unit(4, (1, 1)));
        }

        using (var file = new FileStream(path, FileMode.Append))
        {
            file.Write([1, 2, 3]); // a crash in the middle of an append
        }

        using var reopened = new EmbeddingCache(path, 4);
        Assert.Equal(2, reopened.Count);
        Assert.True(reopened.TryGet(EmbeddingCache.Key("m", "second"), out var b));
        Assert.Equal(Unit(4, (1, 1)), b);
    }

    [Fact]
    public void EmbeddingCache_ReadsWrittenVectorsBackFromItsFile()
    {
        var path = _temp.Combine("cache.bin");
        using var cache = new EmbeddingCache(path, 4);
        cache.Add(EmbeddingCache.Key("m", "x"), Unit(4, (2, 1)));
        cache.Flush(); // from now on held as a position in the file, not as a vector

        Assert.True(cache.TryGet(EmbeddingCache.Key("m", "x"), out var x));
        Assert.Equal(Unit(4, (2, 1)), x);
        Assert.False(cache.TryGet(EmbeddingCache.Key("m", "y"), out _));
        cache.Add(EmbeddingCache.Key("m", "x"), Unit(4, (3, 1))); // already there: kept as it was
        cache.Flush();
        Assert.Equal(1, cache.Count);
        Assert.Equal(HashAndVector(4), new FileInfo(path).Length);
    }

    private static long HashAndVector(int dimensions) => 32 + (dimensions * sizeof(float));

    [Fact]
    public void LargeStores_SearchInt8ThenRescore_AndFindTheExactTopDocuments()
    {
        const int dimensions = 64;
        var count = VectorStore.QuantizeFrom + 5_000;
        var random = new Random(7);
        var vectors = new float[count * dimensions];
        for (var i = 0; i < count; i++)
        {
            var row = vectors.AsSpan(i * dimensions, dimensions);
            for (var d = 0; d < dimensions; d++)
            {
                row[d] = (float)((random.NextDouble() * 2) - 1);
            }

            var norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
        }

        var entries = Enumerable.Range(0, count).Select(i => new PassageEntry($"d{i / 3}", "h", i % 3, string.Empty)).ToList();
        var store = new VectorStore("m", dimensions, entries, vectors);
        var query = vectors.AsSpan(123 * dimensions, dimensions).ToArray();

        // Exact answer by brute force: best passage per document, blended with the document's centroid.
        var w = VectorStore.CentroidWeight;
        var exact = Enumerable.Range(0, count)
            .Select(i => (Doc: entries[i].DocumentId, Row: i))
            .GroupBy(x => x.Doc)
            .Select(g =>
            {
                var best = g.Max(x => System.Numerics.Tensors.TensorPrimitives.Dot(query, vectors.AsSpan(x.Row * dimensions, dimensions)));
                var centroid = new float[dimensions];
                foreach (var x in g)
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(centroid, vectors.AsSpan(x.Row * dimensions, dimensions), centroid);
                }

                System.Numerics.Tensors.TensorPrimitives.Divide(centroid, System.Numerics.Tensors.TensorPrimitives.Norm(centroid), centroid);
                return (Doc: g.Key, Score: ((1 - w) * best) + (w * System.Numerics.Tensors.TensorPrimitives.Dot(query, centroid)));
            })
            .OrderByDescending(x => x.Score).Take(10).ToList();

        var found = store.Search(query, null, 10);

        Assert.Equal(exact.Select(x => x.Doc), found.Select(f => f.DocumentId));
        Assert.Equal(exact[0].Score, found[0].Score, 5); // re-scored in float
        Assert.Equal("d41", found[0].DocumentId);

        // Served from its file (int8 in memory, floats read from the file): the same answer.
        var path = _temp.Combine("large.svec");
        store.Save(path);
        var loaded = VectorStore.Load(path);
        Assert.True(loaded.IsMapped);
        Assert.Equal(found, loaded.Search(query, null, 10));
        Assert.True(loaded.ManagedBytes < (long)count * dimensions * sizeof(float)); // no float copy in memory

        // Above a similarity, every document is returned, not only the limit.
        var floor = exact[4].Score - 1e-4f;
        var above = loaded.Search(query, null, 2, floor);
        Assert.Equal(exact.Take(5).Select(x => x.Doc), above.Select(f => f.DocumentId));
    }

    [Fact]
    public void FileOfAnOlderFormat_IsRefusedByItsVersion_NotMisread()
    {
        var path = _temp.Combine("v1.svec");
        File.WriteAllBytes(path, [.. "SVEC"u8, 1, 0, 0, 0, .. new byte[64]]);

        var ex = Assert.Throws<VectorStoreException>(() => VectorStore.Load(path));
        Assert.Contains("format 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_ByDocumentOrdinal_LeavesOutTheOthers()
    {
        var store = Sample();
        var include = new bool[store.DocumentCount];
        include[store.OrdinalOf("b.txt")] = true;

        var found = store.Search(Unit(4, (1, 1)), include, 10);

        Assert.Equal(["b.txt"], found.Select(r => r.DocumentId));
        Assert.Equal(-1, store.OrdinalOf("missing.txt"));
    }
}
