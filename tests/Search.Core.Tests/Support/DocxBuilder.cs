using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Vml = DocumentFormat.OpenXml.Vml;

namespace Search.Core.Tests.Support;

/// <summary>Builds real .docx files with OpenXml: ITU header table, headings, numbered lists, text boxes, headers/footers, comments.</summary>
internal sealed class DocxBuilder
{
    private readonly List<Func<Numbering, OpenXmlElement>> _body = [];
    private string? _headerText;
    private string? _footerText;
    private string? _commentText;
    private int _nextNumId = 1;

    public DocxBuilder HeaderTable(params (string Label, string Value)[] rows)
    {
        _body.Add(_ =>
        {
            var table = new Table(new TableProperties(new TableWidth { Type = TableWidthUnitValues.Pct, Width = "5000" }));
            foreach (var (label, value) in rows)
            {
                table.Append(new TableRow(Cell(label), Cell(value)));
            }

            return table;
        });
        return this;
    }

    public DocxBuilder Row(params string[] cells)
    {
        _body.Add(_ => new Table(new TableRow(cells.Select(Cell))));
        return this;
    }

    public DocxBuilder Heading(string text, int level = 1)
    {
        _body.Add(_ => new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = $"Heading{level}" }), Run(text)));
        return this;
    }

    public DocxBuilder Paragraph(string text)
    {
        _body.Add(_ => new Paragraph(Run(text)));
        return this;
    }

    /// <summary>A paragraph with deleted (tracked) text that must not be read.</summary>
    public DocxBuilder ParagraphWithDeletion(string kept, string deleted)
    {
        _body.Add(_ => new Paragraph(Run(kept), new DeletedRun(new Run(new DeletedText(deleted)))));
        return this;
    }

    public DocxBuilder NumberedList(params string[] items)
    {
        var numId = _nextNumId++;
        foreach (var item in items)
        {
            _body.Add(numbering =>
            {
                if (!numbering.Elements<NumberingInstance>().Any(n => n.NumberID?.Value == numId))
                {
                    numbering.Append(new NumberingInstance(new AbstractNumId { Val = 1 }) { NumberID = numId });
                }

                return new Paragraph(
                    new ParagraphProperties(new NumberingProperties(new NumberingLevelReference { Val = 0 }, new NumberingId { Val = numId })),
                    Run(item));
            });
        }

        return this;
    }

    public DocxBuilder TextBox(string text)
    {
        _body.Add(_ => new Paragraph(Run("Anchor"), new Run(new Picture(new Vml.Shape(new Vml.TextBox(new TextBoxContent(new Paragraph(Run(text)))))))));
        return this;
    }

    public DocxBuilder PageHeader(string text)
    {
        _headerText = text;
        return this;
    }

    public DocxBuilder PageFooter(string text)
    {
        _footerText = text;
        return this;
    }

    public DocxBuilder Comment(string text)
    {
        _commentText = text;
        return this;
    }

    public void Save(string path)
    {
        using var doc = WordprocessingDocument.Create(path, WordprocessingDocumentType.Document);
        var main = doc.AddMainDocumentPart();
        var numberingPart = main.AddNewPart<NumberingDefinitionsPart>();
        numberingPart.Numbering = new Numbering(new AbstractNum(new Level(
            new NumberingFormat { Val = NumberFormatValues.Decimal },
            new LevelText { Val = "%1)" },
            new StartNumberingValue { Val = 1 })
        { LevelIndex = 0 })
        { AbstractNumberId = 1 });
        var body = new Body();
        foreach (var element in _body)
        {
            body.Append(element(numberingPart.Numbering));
        }

        var sectionProperties = new SectionProperties();
        if (_headerText is not null)
        {
            var headerPart = main.AddNewPart<HeaderPart>();
            headerPart.Header = new Header(new Paragraph(Run(_headerText)));
            sectionProperties.Append(new HeaderReference { Type = HeaderFooterValues.Default, Id = main.GetIdOfPart(headerPart) });
        }

        if (_footerText is not null)
        {
            var footerPart = main.AddNewPart<FooterPart>();
            footerPart.Footer = new Footer(new Paragraph(Run(_footerText)));
            sectionProperties.Append(new FooterReference { Type = HeaderFooterValues.Default, Id = main.GetIdOfPart(footerPart) });
        }

        if (_commentText is not null)
        {
            var comments = main.AddNewPart<WordprocessingCommentsPart>();
            comments.Comments = new Comments(new DocumentFormat.OpenXml.Wordprocessing.Comment(new Paragraph(Run(_commentText))) { Id = "0", Author = "Reviewer" });
            body.Append(new Paragraph(new CommentRangeStart { Id = "0" }, Run("Commented text"), new CommentRangeEnd { Id = "0" }, new Run(new CommentReference { Id = "0" })));
        }

        body.Append(sectionProperties);
        main.Document = new Document(body);
        main.Document.Save();
    }

    private static TableCell Cell(string text) =>
        new(text.Split('\n').Select(line => new Paragraph(Run(line))));

    private static Run Run(string text) => new(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
}
