using Search.Core.Ingestion;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Ingestion;

public sealed class DocxReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ExtractedText Read(string path, Action<SearchOptions>? configure = null) =>
        new DocxReader(TestOptions.Create(configure)).Read(path, CancellationToken.None);

    private string ItuContribution()
    {
        var path = _temp.Combine("SG17-C0123.docx");
        new DocxBuilder()
            .Row("INTERNATIONAL TELECOMMUNICATION UNION\nTELECOMMUNICATION STANDARDIZATION SECTOR\nSTUDY PERIOD 2022-2024", "SG17-C123\nSTUDY GROUP 17\nOriginal: English")
            .Row("Question(s):", "15/17, 6/17", "Geneva, 4-13 September 2024")
            .Row("CONTRIBUTION")
            .HeaderTable(
                ("Source:", "Example Telecom"),
                ("Title:", "Key management for QKD networks"),
                ("Purpose:", "Proposal"),
                ("Contact:", "Jane Example\nExample Telecom\nE-mail: jane@example.com"),
                ("Keywords:", "QKD; key management"),
                ("Abstract:", "This contribution proposes text on key relay in QKD networks."))
            .Heading("1 Introduction")
            .Paragraph("Key relay across trusted nodes is discussed in Y.3803.")
            .NumberedList("first proposal", "second proposal")
            .TextBox("Note in a text box about X.1714")
            .ParagraphWithDeletion("Kept sentence.", "Deleted revision text")
            .PageHeader("Running page header text")
            .PageFooter("Page footer text")
            .Comment("A reviewer comment")
            .Save(path);
        return path;
    }

    [Fact]
    public void Docx_ReadsBodyInOrder_WithTablesListsAndTextBoxes()
    {
        var text = Read(ItuContribution());
        var lines = text.Blocks.Select(b => b.Text).ToList();

        Assert.Contains(text.Blocks, b => b.Kind == BlockKind.TableRow && b.Cells![0] == "Title:" && b.Cells[1] == "Key management for QKD networks");
        Assert.Contains(text.Blocks, b => b.Kind == BlockKind.Heading && b.Text == "1 Introduction");
        Assert.Contains("1) first proposal", lines);
        Assert.Contains("2) second proposal", lines);
        Assert.Contains(text.Blocks, b => b.Kind == BlockKind.TextBox && b.Text == "Note in a text box about X.1714");
        Assert.True(lines.IndexOf("1 Introduction") < lines.IndexOf("1) first proposal"));
        Assert.Contains("Kept sentence.", lines);
    }

    [Fact]
    public void Docx_SkipsHeadersFootersCommentsAndDeletions()
    {
        var full = Read(ItuContribution()).FullText;
        Assert.DoesNotContain("Running page header text", full, StringComparison.Ordinal);
        Assert.DoesNotContain("Page footer text", full, StringComparison.Ordinal);
        Assert.DoesNotContain("A reviewer comment", full, StringComparison.Ordinal);
        Assert.DoesNotContain("Deleted revision text", full, StringComparison.Ordinal);
    }

    [Fact]
    public void Docx_HeaderTable_GivesItuMetadata()
    {
        var path = ItuContribution();
        var m = MetadataExtractor.Extract(Read(path), "SG17-C0123.docx");

        Assert.Equal(DocumentKind.Contribution, m.Kind);
        Assert.Equal("SG17-C123", m.Number);
        Assert.Equal("SG17", m.Group);
        Assert.Equal("2022-2024", m.StudyPeriod);
        Assert.Equal(["Q6/17", "Q15/17"], m.Questions);
        Assert.Equal("Example Telecom", m.Source);
        Assert.Equal("Key management for QKD networks", m.Title);
        Assert.Equal("Proposal", m.Purpose);
        Assert.Equal(["QKD", "key management"], m.Keywords);
        Assert.Equal("This contribution proposes text on key relay in QKD networks.", m.Abstract);
        Assert.Single(m.Contacts);
        Assert.Contains("jane@example.com", m.Contacts[0], StringComparison.Ordinal);
        Assert.Equal("Geneva", m.Place);
        Assert.Equal(new DateOnly(2024, 9, 4), m.MeetingStart);
        Assert.Equal(new DateOnly(2024, 9, 13), m.MeetingEnd);
        Assert.Contains("Y.3803", m.References.Recommendations);
        Assert.Contains("X.1714", m.References.Recommendations);
        Assert.Empty(m.MissingFields);
    }

    [Fact]
    public void Docx_LiaisonHeader_GivesAddresseesApprovalAndDeadline()
    {
        var path = _temp.Combine("ls.docx");
        new DocxBuilder()
            .HeaderTable(
                ("Question(s):", "16/13"),
                ("Source:", "ITU-T Study Group 13"),
                ("Title:", "Reply to SG17-LS215 on QKDN key management"),
                ("For action to:", "ITU-T SG17"),
                ("For information to:", "ITU-T SG11, ETSI ISG QKD"),
                ("Approval:", "Agreed at SG13 meeting (Geneva, 21 July 2023)"),
                ("Deadline:", "15 January 2024"))
            .Paragraph("This liaison answers SG17-LS215 and thanks SG17.")
            .Save(path);

        var m = MetadataExtractor.Extract(Read(path), "ls.docx");

        Assert.Equal(DocumentKind.LiaisonStatement, m.Kind);
        Assert.Equal("SG13", m.From);
        Assert.Equal(["ITU-T SG17"], m.ForAction);
        Assert.Equal(["ITU-T SG11", "ETSI ISG QKD"], m.ForInformation);
        Assert.Equal(["SG17", "SG11", "ETSI ISG QKD"], m.To);
        Assert.Equal(new DateOnly(2024, 1, 15), m.Deadline);
        Assert.Equal(new DateOnly(2023, 7, 21), m.Date);
        Assert.Equal(["SG17-LS215"], m.RepliesTo);
        Assert.Contains("number", m.MissingFields);
    }

    [Fact]
    public void Docx_ZipBomb_IsRefusedBeforeParsing()
    {
        var path = _temp.Combine("bomb.docx");
        HostileFiles.ZipBombDocx(path, expandedBytes: 64L * 1024 * 1024);
        Assert.True(new FileInfo(path).Length < 1024 * 1024, "the bomb should be small on disk");

        var ex = Assert.Throws<DocumentReadException>(() => Read(path, o => o.MaxExpandedBytes = 16L * 1024 * 1024));
        Assert.Contains("decompression bomb", ex.Message, StringComparison.Ordinal);
        Assert.Contains("word/document.xml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Docx_NestedOneHundredThousandDeep_IsRefusedWithoutCrashing()
    {
        var path = _temp.Combine("deep.docx");
        HostileFiles.DeeplyNestedDocx(path, depth: 100_000);

        var ex = Assert.Throws<DocumentReadException>(() => Read(path));
        Assert.Contains("nested more than 256 levels", ex.Message, StringComparison.Ordinal);
        Assert.Contains("word/document.xml", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BrokenFiles => new()
    {
        { "encrypted", "encrypted (password-protected)" },
        { "legacy", "legacy binary Word format" },
        { "corrupt", "corrupt zip" },
        { "text", "not a .docx" },
        { "empty", "empty file" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Docx_BrokenFile_GivesClearReason(string kind, string reason)
    {
        var path = _temp.Combine(kind + ".docx");
        File.WriteAllBytes(path, kind switch
        {
            "encrypted" => HostileFiles.EncryptedOfficeFile(),
            "legacy" => HostileFiles.LegacyDoc(),
            "corrupt" => HostileFiles.CorruptZip(),
            "text" => "just some text, not a zip"u8.ToArray(),
            _ => [],
        });

        var ex = Assert.ThrowsAny<Exception>(() => Read(path));
        Assert.IsType<DocumentReadException>(ex);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Docx_OverSizeLimit_IsRefused()
    {
        var path = _temp.Combine("big.docx");
        using (var stream = File.Create(path))
        {
            stream.SetLength(2 * 1024 * 1024);
        }

        var ex = Assert.Throws<DocumentReadException>(() => Read(path, o => o.MaxFileBytes = 1024 * 1024));
        Assert.Contains("file too large", ex.Message, StringComparison.Ordinal);
    }
}
