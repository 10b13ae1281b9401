using Lucene.Net.Analysis.Standard;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Search.Core.Indexing;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Indexing;

/// <summary>The mapped directory reads what was written, as Lucene's own mapped directory does, with clones, slices and bounds.</summary>
public sealed class MappedDirectoryTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private void WriteFile(string name, Action<IndexOutput> write)
    {
        using var directory = new MappedDirectory(_temp.Path);
        using var output = directory.CreateOutput(name, IOContext.DEFAULT);
        write(output);
    }

    [Fact]
    public void ReadsTheValuesWritten_AtEverySeek_AsMMapDirectoryDoes()
    {
        var random = new Random(7);
        var bytes = new byte[5000];
        random.NextBytes(bytes);
        WriteFile("data", o =>
        {
            o.WriteBytes(bytes, bytes.Length);
            o.WriteInt32(-123456789);
            o.WriteInt64(long.MinValue + 42);
            o.WriteInt16(-2);
            o.WriteVInt32(int.MaxValue);
            o.WriteVInt64(long.MaxValue);
            o.WriteString("Q15/11 – X.1205");
        });

        using var mapped = new MappedDirectory(_temp.Path);
        using var lucene = new MMapDirectory(_temp.Path);
        using var a = mapped.OpenInput("data", IOContext.DEFAULT);
        using var b = lucene.OpenInput("data", IOContext.DEFAULT);
        Assert.Equal(b.Length, a.Length);

        a.Seek(bytes.Length);
        Assert.Equal(-123456789, a.ReadInt32());
        Assert.Equal(long.MinValue + 42, a.ReadInt64());
        Assert.Equal(-2, a.ReadInt16());
        Assert.Equal(int.MaxValue, a.ReadVInt32());
        Assert.Equal(long.MaxValue, a.ReadVInt64());
        Assert.Equal("Q15/11 – X.1205", a.ReadString());
        Assert.Equal(a.Length, a.Position);

        for (var i = 0; i < 500; i++)
        {
            var at = random.Next((int)a.Length);
            var count = random.Next(Math.Min(64, (int)a.Length - at) + 1);
            a.Seek(at);
            b.Seek(at);
            var fromA = new byte[count];
            var fromB = new byte[count];
            a.ReadBytes(fromA, 0, count);
            b.ReadBytes(fromB, 0, count);
            Assert.Equal(fromB, fromA);
            Assert.Equal(b.Position, a.Position);
            if (a.Position + 8 <= a.Length)
            {
                Assert.Equal(b.ReadInt64(), a.ReadInt64());
                Assert.Equal(b.ReadByte(), a.ReadByte());
            }
        }
    }

    [Fact]
    public void AClone_StartsWhereItsSourceIs_AndMovesOnItsOwn_AndASliceIsBounded()
    {
        WriteFile("data", o =>
        {
            for (var i = 0; i < 100; i++)
            {
                o.WriteByte((byte)i);
            }
        });

        using var directory = new MappedDirectory(_temp.Path);
        using var input = directory.OpenInput("data", IOContext.DEFAULT);
        input.Seek(10);
        var clone = (IndexInput)input.Clone();
        Assert.Equal(10, clone.Position);
        Assert.Equal(10, clone.ReadByte());
        Assert.Equal(11, clone.ReadByte());
        Assert.Equal(10, input.Position);
        Assert.Equal(10, input.ReadByte());

        using var slicer = directory.CreateSlicer("data", IOContext.DEFAULT);
        using var slice = slicer.OpenSlice("part", 20, 5);
        Assert.Equal(5, slice.Length);
        Assert.Equal(20, slice.ReadByte());
        slice.Seek(4);
        Assert.Equal(24, slice.ReadByte());
        Assert.Throws<EndOfStreamException>(() => slice.ReadByte());
        Assert.Throws<EndOfStreamException>(() => slice.Seek(6));
        Assert.Throws<EndOfStreamException>(() => slice.ReadBytes(new byte[2], 0, 2));
        Assert.Throws<ArgumentException>(() => slicer.OpenSlice("beyond", 98, 5));

        input.Seek(99);
        Assert.Equal(99, input.ReadByte());
        Assert.Throws<EndOfStreamException>(() => input.ReadByte());
        Assert.Throws<EndOfStreamException>(() => input.ReadInt32());
        Assert.Throws<EndOfStreamException>(() => input.Seek(101));
    }

    [Fact]
    public void AnEmptyFile_OpensWithNoBytes_AndAMissingOneIsNotFound()
    {
        WriteFile("empty", _ => { });
        using var directory = new MappedDirectory(_temp.Path);
        using var input = directory.OpenInput("empty", IOContext.DEFAULT);
        Assert.Equal(0, input.Length);
        Assert.Throws<EndOfStreamException>(() => input.ReadByte());
        Assert.Throws<FileNotFoundException>(() => directory.OpenInput("missing", IOContext.DEFAULT));
    }

    [Fact]
    public void AnIndexOfCompoundSegments_SearchesAsWithMMapDirectory_AndItsLockIsExclusive()
    {
        using (var directory = new MappedDirectory(_temp.Path))
        {
            var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, new StandardAnalyzer(LuceneVersion.LUCENE_48))
            {
                UseCompoundFile = true,
                MaxBufferedDocs = 7, // several small (compound) segments
                MergePolicy = NoMergePolicy.COMPOUND_FILES,
            };
            using var writer = new IndexWriter(directory, config);
            for (var i = 0; i < 50; i++)
            {
                writer.AddDocument(
                [
                    new StringField("id", $"d{i}", Field.Store.YES),
                    new TextField("body", $"document {i} about {(i % 3 == 0 ? "quantum key distribution" : "counterfeit devices")}", Field.Store.YES),
                ]);
            }

            writer.Commit();
            Assert.Throws<LockObtainFailedException>(() => new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new StandardAnalyzer(LuceneVersion.LUCENE_48))));
        }

        Assert.Contains(System.IO.Directory.GetFiles(_temp.Path), f => f.EndsWith(".cfs", StringComparison.Ordinal));
        List<string> Hits(Lucene.Net.Store.Directory directory)
        {
            using var reader = DirectoryReader.Open(directory);
            Assert.True(reader.Leaves.Count > 1);
            var searcher = new IndexSearcher(reader);
            var query = new BooleanQuery { { new TermQuery(new Term("body", "quantum")), Occur.SHOULD }, { new TermQuery(new Term("body", "devices")), Occur.SHOULD } };
            return searcher.Search(query, 100).ScoreDocs.Select(d => $"{searcher.Doc(d.Doc).Get("id")}:{d.Score}").ToList();
        }

        using var mapped = new MappedDirectory(_temp.Path);
        using var lucene = new MMapDirectory(_temp.Path);
        var expected = Hits(lucene);
        Assert.Equal(50, expected.Count);
        Assert.Equal(expected, Hits(mapped));
    }

    [Fact]
    public void AFileOpenedAgain_IsNotMappedAgain_WhileAnInputReadsIt()
    {
        WriteFile("_0.dat", o => o.WriteString("segment data"));
        using var first = new MappedDirectory(_temp.Path);
        using var second = new MappedDirectory(_temp.Path); // another writer session or reader: another directory object
        var inputs = Enumerable.Range(0, 50).Select(i => (MappedInput)(i % 2 == 0 ? first : second).OpenInput("_0.dat", IOContext.DEFAULT)).ToList();
        Assert.All(inputs, i => Assert.Same(inputs[0].Source, i.Source));
        Assert.All(inputs, i => Assert.Equal("segment data", i.ReadString()));
        inputs.ForEach(i => i.Dispose());
    }

    [Fact]
    public void AFileWrittenAgainUnderItsName_IsReadAsItIsNow_WhileTheOldOneIsStillRead()
    {
        // A segment name can come back after a rollback: same name, same length, other bytes.
        WriteFile("_1.dat", o => o.WriteString("version A"));
        using var directory = new MappedDirectory(_temp.Path);
        using var old = (MappedInput)directory.OpenInput("_1.dat", IOContext.DEFAULT);
        directory.DeleteFile("_1.dat");
        WriteFile("_1.dat", o => o.WriteString("version B"));
        using var now = (MappedInput)directory.OpenInput("_1.dat", IOContext.DEFAULT);
        Assert.NotSame(old.Source, now.Source);
        Assert.Equal("version B", now.ReadString());
        Assert.Equal("version A", old.ReadString()); // the deleted file's bytes, still mapped
    }
}
