using Search.Core;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Ingestion;

public sealed class IngestionPipelineTests : IDisposable
{
    private readonly TestIndex _index = new(o => o.CommitEvery = 2);

    public void Dispose() => _index.Dispose();

    private void AddGood(string name, string topic) =>
        _index.Add(name, TestIndex.Txt(Path.GetFileNameWithoutExtension(name), "2022-2024", "15/11", "10-19 May 2023", $"About {topic}", $"This document is about {topic}."));

    [Fact]
    public void Reingest_SkipsUnchanged_UpdatesChanged_RemovesDeleted()
    {
        AddGood("SG11-C0001.txt", "counterfeit handsets");
        AddGood("SG11-C0002.txt", "stolen phones");
        var first = _index.Ingest();
        Assert.Equal((2, 0, 0, 0), (first.Added, first.Updated, first.Unchanged, first.Deleted));

        var again = _index.Ingest();
        Assert.Equal((0, 0, 2, 0), (again.Added, again.Updated, again.Unchanged, again.Deleted));

        AddGood("SG11-C0002.txt", "tampered firmware");
        AddGood("SG11-C0003.txt", "quantum keys");
        var changed = _index.Ingest();
        Assert.Equal((1, 1, 1, 0), (changed.Added, changed.Updated, changed.Unchanged, changed.Deleted));
        Assert.Equal(["SG11-C0002.txt"], _index.Ids("firmware"));
        Assert.Empty(_index.Ids("stolen"));

        File.Delete(Path.Combine(_index.Documents, "SG11-C0001.txt"));
        var deleted = _index.Ingest();
        Assert.Equal((0, 0, 2, 1), (deleted.Added, deleted.Updated, deleted.Unchanged, deleted.Deleted));
        Assert.Empty(_index.Ids("handsets"));
        Assert.Equal(2, _index.Search.Count());
    }

    [Fact]
    public void BadFiles_AreReportedWithPathAndReason_AndTheRunGoesOn()
    {
        AddGood("good-1.txt", "counterfeit handsets");
        _index.AddBytes("corrupt.docx", HostileFiles.CorruptZip());
        _index.Add("not-a-docx.docx", "plain text pretending to be a Word file");
        _index.AddBytes("encrypted.docx", HostileFiles.EncryptedOfficeFile());
        _index.AddBytes("empty.txt", []);
        _index.AddBytes("binary.txt", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]);
        _index.AddBytes("legacy.doc", HostileFiles.LegacyDoc());
        _index.AddBytes("scan.pdf", PdfBuilder.ScannedImageOnly());
        _index.AddBytes("bomb.pdf", HostileFiles.FlateBombPdf(300L * 1024 * 1024));
        HostileFiles.ZipBombDocx(Path.Combine(_index.Documents, "bomb.docx"), 300L * 1024 * 1024);
        HostileFiles.DeeplyNestedDocx(Path.Combine(_index.Documents, "deep.docx"), 100_000);
        using (var big = File.Create(Path.Combine(_index.Documents, "huge.txt")))
        {
            big.SetLength(50L * 1024 * 1024);
        }

        _index.Add("picture.png", "not really a picture");
        AddGood("zz-good-2.txt", "stolen phones");

        var report = _index.Ingest();

        Assert.Equal(2, report.Added);
        var reasons = report.Failed.ToDictionary(f => f.Path, f => f.Reason);
        Assert.Contains("corrupt zip", reasons["corrupt.docx"], StringComparison.Ordinal);
        Assert.Contains("not a .docx", reasons["not-a-docx.docx"], StringComparison.Ordinal);
        Assert.Contains("encrypted", reasons["encrypted.docx"], StringComparison.Ordinal);
        Assert.Contains("empty file", reasons["empty.txt"], StringComparison.Ordinal);
        Assert.Contains("binary content", reasons["binary.txt"], StringComparison.Ordinal);
        Assert.Contains(".doc) is not supported", reasons["legacy.doc"], StringComparison.Ordinal);
        Assert.Contains("no extractable text", reasons["scan.pdf"], StringComparison.Ordinal);
        Assert.Contains("decompression bomb", reasons["bomb.pdf"], StringComparison.Ordinal);
        Assert.Contains("decompression bomb", reasons["bomb.docx"], StringComparison.Ordinal);
        Assert.Contains("nested more than", reasons["deep.docx"], StringComparison.Ordinal);
        Assert.Contains("file too large", reasons["huge.txt"], StringComparison.Ordinal);
        Assert.Equal(11, report.Failed.Count);
        Assert.Equal([new FileProblem("picture.png", "unsupported file type '.png'")], report.Skipped);
        Assert.Equal(["good-1.txt", "zz-good-2.txt"], _index.Ids(string.Empty));
    }

    [Fact]
    public void AFileThatBecomesUnreadable_KeepsItsLastGoodVersion()
    {
        AddGood("SG11-C0001.txt", "counterfeit handsets");
        _index.Ingest();
        _index.AddBytes("SG11-C0001.txt", [0x00, 0x01, 0x02]);

        var report = _index.Ingest();

        Assert.Single(report.Failed);
        Assert.Equal(0, report.Deleted);
        Assert.Equal(["SG11-C0001.txt"], _index.Ids("handsets"));
    }

    [Fact]
    public async Task CrashMidRun_LeavesLastCommitReadable_AndARerunCompletes()
    {
        for (var i = 1; i <= 5; i++)
        {
            AddGood($"SG11-C000{i}.txt", $"subject {i}");
        }

        var crashing = _index.NewPipeline();
        crashing.FileProcessed += p =>
        {
            if (p.Done == 3)
            {
                throw new IOException("simulated crash: disk disappeared");
            }
        };

        await Assert.ThrowsAsync<IOException>(() => crashing.IngestAsync(_index.Documents, null, CancellationToken.None));

        // CommitEvery = 2: the commit after the second document survives; the third was never committed.
        Assert.Equal(2, _index.Search.Count());
        Assert.Equal(["SG11-C0001.txt", "SG11-C0002.txt"], _index.Ids(string.Empty));

        var rerun = _index.Ingest();
        Assert.Equal((3, 2), (rerun.Added, rerun.Unchanged));
        Assert.Equal(5, _index.Search.Count());
    }

    [Fact]
    public void StoredHash_IsTheSha256OfTheFile_WithThePipelineVersion()
    {
        // A .txt file is read once for its hash and its text; the hash must stay what indexes already hold, or every file would count as changed.
        var path = _index.Add("SG11-C0001.txt", TestIndex.Txt("SG11-C0001", "2022-2024", "15/11", "10-19 May 2023", "About hashes", "This document is about hashes."));
        _index.Ingest();

        using var lease = _index.Store.Lease();
        var hits = lease.Searcher.Search(new Lucene.Net.Search.TermQuery(new Lucene.Net.Index.Term(IndexFields.Id, "SG11-C0001.txt")), 1);
        var stored = lease.Searcher.Doc(hits.ScoreDocs[0].Doc).Get(IndexFields.Hash);
        using var file = File.OpenRead(path);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file)) + ":" + IngestionPipeline.PipelineVersion, stored);
    }

    [Fact]
    public void ManyFiles_WrittenFromSeveralThreadsAtOnce_AreEachIndexedOnce_WithTheirOwnText()
    {
        // Commits every 50 documents along the way.
        using var index = new TestIndex(o => o.CommitEvery = 50);
        // A word per file that the stemmer leaves as it is (consonants, ending in x).
        static string Word(int i, string prefix) => prefix + new string([.. i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture).Select(c => "bcdfghjklm"[c - '0'])]) + "x";
        static string Name(int i) => $"SG11-C{i:D4}.txt";
        void Write(int i, string prefix) =>
            index.Add(Name(i), TestIndex.Txt(Path.GetFileNameWithoutExtension(Name(i)), "2022-2024", "15/11", "10-19 May 2023", $"About {Word(i, prefix)}", $"This document is about {Word(i, prefix)}."));
        for (var i = 0; i < 300; i++)
        {
            Write(i, "zeta");
        }

        var first = index.Ingest();
        Assert.Equal((300, 0), (first.Added, first.Failed.Count));
        Assert.Equal(300, index.Search.Count());
        Assert.All(Enumerable.Range(0, 300), i => Assert.Equal([Name(i)], WithWord(Word(i, "zeta"))));

        for (var i = 0; i < 300; i += 3)
        {
            Write(i, "omega");
        }

        var again = index.Ingest();
        Assert.Equal((0, 100, 200), (again.Added, again.Updated, again.Unchanged));
        Assert.Equal(300, index.Search.Count());
        Assert.All(Enumerable.Range(0, 300), i => Assert.Equal(i % 3 == 0 ? [] : [Name(i)], WithWord(Word(i, "zeta"))));
        Assert.All(Enumerable.Range(0, 100), j => Assert.Equal([Name(j * 3)], WithWord(Word(j * 3, "omega"))));

        // The documents whose body holds the word (a term query: the search service would correct a word no document has any more).
        List<string> WithWord(string word)
        {
            using var lease = index.Store.Lease();
            var hits = lease.Searcher.Search(new Lucene.Net.Search.TermQuery(new Lucene.Net.Index.Term(IndexFields.Body, word)), 1000);
            return [.. hits.ScoreDocs.Select(d => lease.Searcher.Doc(d.Doc).Get(IndexFields.Id)!).Order(StringComparer.Ordinal)];
        }
    }

    [Fact]
    public void Reingest_OfDocumentsWrittenBeforeTheHashHadDocValues_SkipsThemAsUnchanged()
    {
        AddGood("SG11-C0001.txt", "counterfeit handsets");
        AddGood("SG11-C0002.txt", "stolen phones");
        _index.Ingest();
        _index.Store.Write("old mapping", session =>
        {
            using var reader = Lucene.Net.Index.DirectoryReader.Open(session.Writer, applyAllDeletes: true);
            foreach (var (_, stored) in LiveDocuments.Read(reader))
            {
                var old = DocumentMapper.ToLucene(DocumentMapper.FromLucene(stored), [], [], null);
                old.RemoveFields(IndexFields.HashValue);
                session.Writer.UpdateDocument(new Lucene.Net.Index.Term(IndexFields.Id, stored.Get(IndexFields.Id)), old);
            }

            session.Commit();
            return 0;
        }, CancellationToken.None);

        var again = _index.Ingest();

        Assert.Equal((0, 0, 2, 0), (again.Added, again.Updated, again.Unchanged, again.Deleted));
    }

    [Fact]
    public async Task Cancellation_StopsTheRun_WithoutLosingTheLastCommit()
    {
        AddGood("SG11-C0001.txt", "counterfeit handsets");
        _index.Ingest();
        AddGood("SG11-C0002.txt", "stolen phones");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _index.Pipeline.IngestAsync(_index.Documents, null, cts.Token));
        Assert.Equal(["SG11-C0001.txt"], _index.Ids(string.Empty));
    }

    [Fact]
    public async Task Progress_IsReportedForEveryFile()
    {
        AddGood("a.txt", "one");
        AddGood("b.txt", "two");
        var seen = new List<IngestionProgress>();
        await _index.Pipeline.IngestAsync(_index.Documents, new ActionProgress<IngestionProgress>(seen.Add), CancellationToken.None);
        Assert.Equal([1, 2], seen.Select(p => p.Done));
        Assert.All(seen, p => Assert.Equal(2, p.Total));
    }

    [Fact]
    public void SearchAfterIngest_ReturnsPathsRelativeToTheFolder()
    {
        _index.Add(Path.Combine("sub", "SG11-C0009.txt"), TestIndex.Txt("SG11-C0009", "2022-2024", "15/11", "10-19 May 2023", "Nested", "Nested folder document."));
        _index.Ingest();
        var hit = _index.Search.Search(new SearchRequest { Query = "nested" }).Hits.Single();
        Assert.Equal("sub/SG11-C0009.txt", hit.Path);
        Assert.Equal("sub/SG11-C0009.txt", hit.Id);
    }

}
