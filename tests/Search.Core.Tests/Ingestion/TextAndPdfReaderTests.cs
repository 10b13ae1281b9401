using System.Text;
using Search.Core.Ingestion;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Ingestion;

public sealed class TextAndPdfReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private ExtractedText ReadTxt(byte[] bytes)
    {
        var path = _temp.WriteBytes($"{Guid.NewGuid():N}.txt", bytes);
        return new TextFileReader(TestOptions.Create()).Read(path, CancellationToken.None);
    }

    private ExtractedText ReadPdf(byte[] bytes, Action<SearchOptions>? configure = null)
    {
        var path = _temp.WriteBytes($"{Guid.NewGuid():N}.pdf", bytes);
        return new PdfReader(TestOptions.Create(configure)).Read(path, CancellationToken.None);
    }

    [Fact]
    public void Txt_Utf8WithAndWithoutBom_ReadsTheSameText()
    {
        var body = "Délégués: “quantum” – QKD";
        var withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(body)).ToArray();
        Assert.Equal(body, ReadTxt(withBom).FullText);
        Assert.Equal(body, ReadTxt(Encoding.UTF8.GetBytes(body)).FullText);
    }

    [Fact]
    public void Txt_Windows1252_FallsBackAndMapsSmartQuotes()
    {
        // “Délégué” in Windows-1252: 0x93 D 0xE9 l 0xE9 g u 0xE9 0x94
        byte[] bytes = [0x93, (byte)'D', 0xE9, (byte)'l', 0xE9, (byte)'g', (byte)'u', 0xE9, 0x94];
        Assert.Equal("“Délégué”", ReadTxt(bytes).FullText);
    }

    [Fact]
    public void Txt_Utf16WithBom_IsRead()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Source: SG17")).ToArray();
        Assert.Equal("Source: SG17", ReadTxt(bytes).FullText);
    }

    [Fact]
    public void Txt_BinaryOrEmpty_IsRefused()
    {
        var binary = Assert.Throws<DocumentReadException>(() => ReadTxt([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x00, 0x00, 0x01]));
        Assert.Contains("binary content", binary.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<DocumentReadException>(() => ReadTxt([]));
        Assert.Contains("empty file", empty.Message, StringComparison.Ordinal);
        var blank = Assert.Throws<DocumentReadException>(() => ReadTxt("  \n \n"u8.ToArray()));
        Assert.Contains("no text", blank.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Txt_FieldLines_GiveMetadata_WithMultiLineValuesAndMissingFields()
    {
        var text = ReadTxt(Encoding.UTF8.GetBytes("""
            INTERNATIONAL TELECOMMUNICATION UNION
            STUDY PERIOD 2025-2028

            TSAG-TD0210
            Question(s): N/A
            Place and date: Geneva, 26-30 January 2026

            TD

            Source: TSAG Chair
            Title: Coordination of quantum work
            Purpose: Discussion
            Abstract: First line of the abstract
                and its continuation on a second line.

            1 Introduction

            The body cites SG13-LS140 and Resolution 2 (WTSA) and Resolution 188 (Rev. Dubai, 2018).
            """));
        var m = MetadataExtractor.Extract(text, "TSAG-TD0210.txt");

        Assert.Equal(DocumentKind.TemporaryDocument, m.Kind);
        Assert.Equal("TSAG-TD210", m.Number);
        Assert.Equal("TSAG", m.Group);
        Assert.Equal("2025-2028", m.StudyPeriod);
        Assert.Equal("First line of the abstract and its continuation on a second line.", m.Abstract);
        Assert.Equal(new DateOnly(2026, 1, 26), m.Date);
        Assert.Contains("SG13-LS140", m.References.Documents);
        Assert.Contains("Resolution 2 (WTSA)", m.References.Resolutions);
        Assert.Contains("Resolution 188", m.References.Resolutions);
        Assert.Contains("contact", m.MissingFields);
        Assert.Contains("keywords", m.MissingFields);
        Assert.Contains("questions", m.MissingFields);
    }

    [Fact]
    public void Pdf_TextPdf_IsReadLineByLine_WithParagraphs()
    {
        var text = ReadPdf(PdfBuilder.Text("Source: Example Telecom", "Title: Counterfeit handsets", string.Empty, "Body paragraph about Q15/11."));
        Assert.Equal(2, text.Blocks.Count);
        Assert.Equal("Source: Example Telecom\nTitle: Counterfeit handsets", text.Blocks[0].Text);
        Assert.Equal("Body paragraph about Q15/11.", text.Blocks[1].Text);
        Assert.Equal("Counterfeit handsets", MetadataExtractor.Extract(text, "x.pdf").Title);
    }

    [Fact]
    public void Pdf_ScannedWithoutText_IsReportedNotIndexedEmpty()
    {
        var ex = Assert.Throws<DocumentReadException>(() => ReadPdf(PdfBuilder.ScannedImageOnly()));
        Assert.Contains("no extractable text", ex.Message, StringComparison.Ordinal);
        Assert.Contains("scanned", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pdf_FlateBomb_IsRefusedBeforeParsing()
    {
        var bomb = HostileFiles.FlateBombPdf(64L * 1024 * 1024);
        Assert.True(bomb.Length < 1024 * 1024);
        var ex = Assert.Throws<DocumentReadException>(() => ReadPdf(bomb, o => o.MaxExpandedBytes = 16L * 1024 * 1024));
        Assert.Contains("decompression bomb", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pdf_NotAPdf_IsRefused()
    {
        var ex = Assert.Throws<DocumentReadException>(() => ReadPdf("hello, not a pdf"u8.ToArray()));
        Assert.Contains("not a PDF", ex.Message, StringComparison.Ordinal);
    }
}
