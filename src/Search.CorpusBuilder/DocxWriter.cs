using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Vml = DocumentFormat.OpenXml.Vml;

namespace Search.CorpusBuilder;

/// <summary>
/// Writes a .docx laid out like an ITU-T document: a header table (logo text and study period,
/// number and study group, Questions with place and date, the kind, then Source/Title/Purpose or
/// addressees/Contact/Keywords/Abstract rows), heading styles, real list numbering, tables and text boxes.
/// </summary>
internal static class DocxWriter
{
    private const int BulletList = 1;
    private const int DecimalList = 2;

    public static void Write(AuthoredDocument doc, string path)
    {
        using (var word = WordprocessingDocument.Create(path, WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            AddStyles(main);
            var numbering = AddNumbering(main);
            var body = new Body();
            body.Append(HeaderTable(doc));
            body.Append(new Paragraph());
            var nextNumId = 10;
            foreach (var block in BodyParser.Parse(doc.BodyLines))
            {
                switch (block)
                {
                    case HeadingBlock h:
                        body.Append(Para(h.Text, $"Heading{h.Level}"));
                        break;
                    case ParagraphBlock p:
                        body.Append(Para(p.Text));
                        break;
                    case BoxBlock box:
                        body.Append(TextBox(box.Text));
                        break;
                    case ListBlock list:
                        var numId = nextNumId++;
                        numbering.Append(new NumberingInstance(
                            new AbstractNumId { Val = list.Numbered ? DecimalList : BulletList },
                            new LevelOverride(new StartOverrideNumberingValue { Val = 1 }) { LevelIndex = 0 }) { NumberID = numId });
                        foreach (var item in list.Items)
                        {
                            var para = Para(item, "ListParagraph");
                            para.ParagraphProperties!.Append(new NumberingProperties(new NumberingLevelReference { Val = 0 }, new NumberingId { Val = numId }));
                            body.Append(para);
                        }

                        break;
                    case TableBlock table:
                        body.Append(Table(table.Rows, headerRow: true));
                        body.Append(new Paragraph());
                        break;
                }
            }

            body.Append(new SectionProperties(new PageSize { Width = 11906, Height = 16838 }, new PageMargin { Top = 1134, Bottom = 1134, Left = 1134, Right = 1134 }));
            main.Document = new Document(body);
            main.Document.Save();
        }

        MakeDeterministic(path);
    }

    private static Table HeaderTable(AuthoredDocument doc)
    {
        var rows = new List<TableRow>
        {
            Row(Cell(Layout.TitleBlock(doc)), Cell(Layout.NumberBlock(doc))),
        };
        var questions = doc.Field("Question(s)");
        var place = doc.Field("Place and date");
        if (questions is not null || place is not null)
        {
            rows.Add(Row(Cell(["Question(s):"]), Cell([questions ?? "N/A"]), Cell([place ?? string.Empty])));
        }

        rows.Add(Row(Cell([Layout.KindLine(doc)], span: 3)));
        foreach (var (label, value) in Layout.Fields(doc))
        {
            var lines = label.Equals("Contact", StringComparison.OrdinalIgnoreCase)
                ? value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [value];
            rows.Add(Row(Cell([label + ":"]), Cell(lines, span: 2)));
        }

        var table = new Table(new TableProperties(
            new TableBorders(
                new TopBorder { Val = BorderValues.Single, Size = 4 },
                new BottomBorder { Val = BorderValues.Single, Size = 4 },
                new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }),
            new TableWidth { Type = TableWidthUnitValues.Pct, Width = "5000" }));
        table.Append(new TableGrid(new GridColumn { Width = "1800" }, new GridColumn { Width = "4200" }, new GridColumn { Width = "3600" }));
        table.Append(rows);
        return table;
    }

    private static Table Table(IReadOnlyList<IReadOnlyList<string>> rows, bool headerRow)
    {
        var table = new Table(new TableProperties(
            new TableBorders(
                new TopBorder { Val = BorderValues.Single, Size = 4 },
                new BottomBorder { Val = BorderValues.Single, Size = 4 },
                new LeftBorder { Val = BorderValues.Single, Size = 4 },
                new RightBorder { Val = BorderValues.Single, Size = 4 },
                new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 },
                new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 })));
        var columns = rows.Max(r => r.Count);
        table.Append(new TableGrid(Enumerable.Range(0, columns).Select(_ => new GridColumn { Width = (9600 / columns).ToString(System.Globalization.CultureInfo.InvariantCulture) })));
        for (var i = 0; i < rows.Count; i++)
        {
            var row = new TableRow(rows[i].Select(c => Cell([c], bold: headerRow && i == 0)));
            table.Append(row);
        }

        return table;
    }

    private static TableRow Row(params TableCell[] cells) => new(cells);

    private static TableCell Cell(IEnumerable<string> lines, int span = 1, bool bold = false)
    {
        var cell = new TableCell();
        if (span > 1)
        {
            cell.Append(new TableCellProperties(new GridSpan { Val = span }));
        }

        foreach (var line in lines)
        {
            var run = new Run(new Text(line) { Space = SpaceProcessingModeValues.Preserve });
            if (bold)
            {
                run.PrependChild(new RunProperties(new Bold()));
            }

            cell.Append(new Paragraph(run));
        }

        if (!cell.Elements<Paragraph>().Any())
        {
            cell.Append(new Paragraph());
        }

        return cell;
    }

    private static Paragraph Para(string text, string? style = null) =>
        new(new ParagraphProperties(style is null ? [] : [new ParagraphStyleId { Val = style }]), new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));

    private static Paragraph TextBox(string text)
    {
        var content = new TextBoxContent(Para(text));
        var shape = new Vml.Shape(new Vml.TextBox(content)) { Id = "note", Style = "width:420pt;height:60pt" };
        return new Paragraph(new Run(new Picture(shape)));
    }

    private static void AddStyles(MainDocumentPart main)
    {
        var part = main.AddNewPart<StyleDefinitionsPart>();
        var styles = new Styles(
            new Style(new StyleName { Val = "Normal" }, new PrimaryStyle()) { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true },
            new Style(new StyleName { Val = "List Paragraph" }, new BasedOn { Val = "Normal" }) { Type = StyleValues.Paragraph, StyleId = "ListParagraph" });
        for (var level = 1; level <= 3; level++)
        {
            styles.Append(new Style(
                new StyleName { Val = $"heading {level}" },
                new BasedOn { Val = "Normal" },
                new NextParagraphStyle { Val = "Normal" },
                new StyleParagraphProperties(new KeepNext(), new OutlineLevel { Val = level - 1 }),
                new StyleRunProperties(new Bold(), new FontSize { Val = (28 - (level * 2)).ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            { Type = StyleValues.Paragraph, StyleId = $"Heading{level}" });
        }

        part.Styles = styles;
    }

    private static Numbering AddNumbering(MainDocumentPart main)
    {
        var part = main.AddNewPart<NumberingDefinitionsPart>();
        var bullet = new AbstractNum(new Level(
            new NumberingFormat { Val = NumberFormatValues.Bullet },
            new LevelText { Val = "•" },
            new StartNumberingValue { Val = 1 })
        { LevelIndex = 0 })
        { AbstractNumberId = BulletList };
        var decimalList = new AbstractNum(new Level(
            new NumberingFormat { Val = NumberFormatValues.Decimal },
            new LevelText { Val = "%1)" },
            new StartNumberingValue { Val = 1 })
        { LevelIndex = 0 })
        { AbstractNumberId = DecimalList };
        part.Numbering = new Numbering(bullet, decimalList);
        return part.Numbering;
    }

    /// <summary>Fixed zip timestamps, so that rebuilding unchanged sources gives identical files (and unchanged hashes).</summary>
    private static void MakeDeterministic(string path)
    {
        var entries = new List<(string Name, byte[] Data)>();
        using (var zip = ZipFile.OpenRead(path))
        {
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                entries.Add((entry.FullName, memory.ToArray()));
            }
        }

        // OpenXml gives relationships random ids: renumber them in order of appearance across the package.
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var pattern = new System.Text.RegularExpressions.Regex("\\bR[0-9a-f]{16}\\b");
        for (var i = 0; i < entries.Count; i++)
        {
            if (!entries[i].Name.EndsWith(".xml", StringComparison.Ordinal) && !entries[i].Name.EndsWith(".rels", StringComparison.Ordinal))
            {
                continue;
            }

            var xml = System.Text.Encoding.UTF8.GetString(entries[i].Data);
            var renumbered = pattern.Replace(xml, m => ids.TryGetValue(m.Value, out var id) ? id : ids[m.Value] = $"rId{ids.Count + 1}");
            entries[i] = (entries[i].Name, System.Text.Encoding.UTF8.GetBytes(renumbered));
        }

        File.Delete(path);
        using var output = ZipFile.Open(path, ZipArchiveMode.Create);
        var stamp = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (name, data) in entries.OrderBy(e => e.Name == "[Content_Types].xml" ? 0 : 1).ThenBy(e => e.Name, StringComparer.Ordinal))
        {
            var entry = output.CreateEntry(name, CompressionLevel.Optimal);
            entry.LastWriteTime = stamp;
            using var stream = entry.Open();
            stream.Write(data);
        }
    }
}
