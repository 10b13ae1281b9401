using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.Extensions.Options;

namespace Search.Core.Ingestion;

/// <summary>
/// Reads .docx body text in order: paragraphs, tables (row by row, cells kept apart because ITU
/// headers are tables), list numbers and text boxes. Headers, footers, comments, footnotes and
/// deleted revisions are not part of the body and are not read.
/// The package is checked first: a zip bomb or an XML part nested deeper than the limit is refused
/// before OpenXml parses it, since OpenXml's recursion on deep trees ends the process.
/// </summary>
public sealed class DocxReader(IOptions<SearchOptions> options) : IDocumentReader
{
    private const int MaxZipEntries = 5000;

    public IReadOnlyCollection<string> Extensions { get; } = [".docx"];

    public ExtractedText Read(string path, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var length = new FileInfo(path).Length;
        FileGuards.CheckSize(length, settings.MaxFileBytes);
        CheckSignature(path);
        CheckPackage(path, settings.MaxExpandedBytes, settings.MaxXmlDepth);

        try
        {
            using var document = WordprocessingDocument.Open(path, false);
            var body = document.MainDocumentPart?.Document?.Body
                ?? throw new DocumentReadException("not a Word document: the package has no main document part");
            var walker = new BodyWalker(document.MainDocumentPart.NumberingDefinitionsPart?.Numbering,
                document.MainDocumentPart.StyleDefinitionsPart?.Styles);
            walker.Walk(body, BlockKind.Paragraph);
            if (walker.Blocks.Count == 0)
            {
                throw new DocumentReadException("no text in the document body");
            }

            return Boilerplate.Mark(new ExtractedText(walker.Blocks));
        }
        catch (OpenXmlPackageException ex)
        {
            throw new DocumentReadException($"not a valid .docx package: {ex.Message}", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new DocumentReadException($"corrupt zip: {ex.Message}", ex);
        }
        catch (XmlException ex)
        {
            throw new DocumentReadException($"malformed XML in the document (line {ex.LineNumber}, position {ex.LinePosition}): {ex.Message}", ex);
        }
    }

    private static void CheckSignature(string path)
    {
        Span<byte> head = stackalloc byte[8];
        using (var stream = File.OpenRead(path))
        {
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head[..read];
        }

        if (FileGuards.IsCompoundFile(head))
        {
            throw new DocumentReadException(LooksEncrypted(path)
                ? "encrypted (password-protected) Office document: it cannot be read without the password"
                : "legacy binary Word format (.doc) inside a .docx name: unsupported, save it as .docx");
        }

        if (head.Length < 4 || head[0] != (byte)'P' || head[1] != (byte)'K')
        {
            throw new DocumentReadException("not a .docx: the file is not a zip package");
        }
    }

    private static bool LooksEncrypted(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var marker = Encoding.Unicode.GetBytes("EncryptionInfo");
        return bytes.AsSpan().IndexOf(marker) >= 0;
    }

    /// <summary>Inflates every part once into nothing, counting bytes, and measures XML depth with a streaming reader.</summary>
    internal static void CheckPackage(string path, long maxExpandedBytes, int maxDepth)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            if (zip.Entries.Count > MaxZipEntries)
            {
                throw new DocumentReadException($"zip package has {zip.Entries.Count} entries (limit {MaxZipEntries})");
            }

            long total = 0;
            foreach (var entry in zip.Entries)
            {
                var remaining = maxExpandedBytes - total;
                string Overflow(long _) =>
                    $"decompression bomb: part '{entry.FullName}' expands past {FileGuards.Megabytes(maxExpandedBytes)} MB of content";
                using var stream = entry.Open();
                if (entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)
                    || entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase))
                {
                    using var limited = new LimitedStream(stream, remaining, Overflow);
                    CheckXmlDepth(limited, entry.FullName, maxDepth);
                    total += limited.BytesRead;
                }
                else
                {
                    total += FileGuards.CountInflated(stream, remaining, Overflow);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new DocumentReadException($"corrupt zip: {ex.Message}", ex);
        }
    }

    private static void CheckXmlDepth(Stream stream, string partName, int maxDepth)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            MaxCharactersFromEntities = 0,
        };
        try
        {
            using var reader = XmlReader.Create(stream, settings);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.Depth > maxDepth)
                {
                    var info = (IXmlLineInfo)reader;
                    throw new DocumentReadException(
                        $"XML in part '{partName}' is nested more than {maxDepth} levels deep (line {info.LineNumber}, position {info.LinePosition})");
                }
            }
        }
        catch (XmlException ex)
        {
            throw new DocumentReadException($"malformed XML in part '{partName}' (line {ex.LineNumber}, position {ex.LinePosition}): {ex.Message}", ex);
        }
    }

    /// <summary>Walks body elements in reading order, producing blocks.</summary>
    private sealed class BodyWalker(Numbering? numbering, Styles? styles)
    {
        private readonly Dictionary<int, int[]> _counters = [];

        public List<TextBlock> Blocks { get; } = [];

        public void Walk(OpenXmlElement container, BlockKind kind)
        {
            foreach (var child in container.ChildElements)
            {
                switch (child)
                {
                    case Paragraph p:
                        AddParagraph(p, kind);
                        break;
                    case Table t:
                        AddTable(t);
                        break;
                    case SdtBlock sdt when sdt.SdtContentBlock is { } content:
                        Walk(content, kind);
                        break;
                    case CustomXmlBlock custom:
                        Walk(custom, kind);
                        break;
                    default:
                        break;
                }
            }
        }

        private void AddParagraph(Paragraph paragraph, BlockKind kind)
        {
            var text = Normalize(ParagraphText(paragraph));
            if (text.Length > 0)
            {
                var label = ListLabel(paragraph);
                var blockKind = kind == BlockKind.TextBox ? kind
                    : label is not null ? BlockKind.ListItem
                    : IsHeading(paragraph) ? BlockKind.Heading
                    : kind;
                Blocks.Add(new TextBlock(blockKind, label is null ? text : $"{label} {text}"));
            }

            foreach (var box in TextBoxes(paragraph))
            {
                Walk(box, BlockKind.TextBox);
            }
        }

        private void AddTable(Table table)
        {
            foreach (var row in table.Elements<TableRow>())
            {
                var cells = new List<string>();
                foreach (var cell in row.Elements<TableCell>())
                {
                    var inner = new BodyWalker(numbering, styles);
                    inner.Walk(cell, BlockKind.Paragraph);
                    cells.Add(string.Join('\n', inner.Blocks.Select(b => b.Text)));
                }

                if (cells.Any(c => c.Length > 0))
                {
                    Blocks.Add(TextBlock.Row(cells));
                }
            }
        }

        private static string ParagraphText(OpenXmlElement element)
        {
            var sb = new StringBuilder();
            Append(element, sb);
            return sb.ToString();

            static void Append(OpenXmlElement e, StringBuilder sb)
            {
                foreach (var child in e.ChildElements)
                {
                    switch (child)
                    {
                        case Text t:
                            sb.Append(t.Text);
                            break;
                        case TabChar:
                            sb.Append('\t');
                            break;
                        case Break or CarriageReturn:
                            sb.Append('\n');
                            break;
                        case NoBreakHyphen:
                            sb.Append('-');
                            break;
                        case TextBoxContent or AlternateContentFallback or ParagraphProperties or RunProperties:
                            break;
                        default:
                            Append(child, sb);
                            break;
                    }
                }
            }
        }

        private static IEnumerable<TextBoxContent> TextBoxes(OpenXmlElement element)
        {
            foreach (var child in element.ChildElements)
            {
                switch (child)
                {
                    case TextBoxContent box:
                        yield return box;
                        break;
                    case AlternateContentFallback:
                        break;
                    default:
                        foreach (var inner in TextBoxes(child))
                        {
                            yield return inner;
                        }

                        break;
                }
            }
        }

        private static string Normalize(string text)
        {
            var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
            return string.Join('\n', lines);
        }

        private bool IsHeading(Paragraph paragraph)
        {
            var styleId = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
            if (styleId is null)
            {
                return false;
            }

            if (styleId.StartsWith("Heading", StringComparison.OrdinalIgnoreCase) || styleId == "Title")
            {
                return true;
            }

            var style = styles?.Elements<Style>().FirstOrDefault(s => s.StyleId?.Value == styleId);
            var name = style?.StyleName?.Val?.Value;
            return name is not null && name.StartsWith("heading", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>The list number Word would show ("1)", "2.3", "•"), or null for a paragraph outside a list.</summary>
        private string? ListLabel(Paragraph paragraph)
        {
            var numPr = paragraph.ParagraphProperties?.NumberingProperties ?? StyleNumbering(paragraph);
            var numId = numPr?.NumberingId?.Val?.Value;
            if (numId is null or 0 || numbering is null)
            {
                return null;
            }

            var level = numPr?.NumberingLevelReference?.Val?.Value ?? 0;
            var instance = numbering.Elements<NumberingInstance>().FirstOrDefault(n => n.NumberID?.Value == numId);
            var abstractId = instance?.AbstractNumId?.Val?.Value;
            var abstractNum = numbering.Elements<AbstractNum>().FirstOrDefault(a => a.AbstractNumberId?.Value == abstractId);
            var levels = abstractNum?.Elements<Level>().ToList() ?? [];
            var levelDef = levels.FirstOrDefault(l => l.LevelIndex?.Value == level);
            if (levelDef is null || level is < 0 or > 8)
            {
                return null;
            }

            var format = levelDef.NumberingFormat?.Val?.Value;
            if (format == NumberFormatValues.Bullet)
            {
                return "•";
            }

            if (format == NumberFormatValues.None)
            {
                return null;
            }

            if (!_counters.TryGetValue(numId.Value, out var counters))
            {
                counters = new int[9];
                _counters[numId.Value] = counters;
            }

            for (var i = 0; i < 9; i++)
            {
                if (i == level)
                {
                    counters[i] = counters[i] == 0 ? StartOf(levels, i) : counters[i] + 1;
                }
                else if (i > level)
                {
                    counters[i] = 0;
                }
            }

            var pattern = levelDef.LevelText?.Val?.Value ?? $"%{level + 1}.";
            var sb = new StringBuilder(pattern);
            for (var i = 0; i <= level; i++)
            {
                var levelFormat = levels.FirstOrDefault(l => l.LevelIndex?.Value == i)?.NumberingFormat?.Val?.Value;
                var value = counters[i] == 0 ? StartOf(levels, i) : counters[i];
                sb.Replace($"%{i + 1}", Format(value, levelFormat));
            }

            return sb.ToString();
        }

        private NumberingProperties? StyleNumbering(Paragraph paragraph)
        {
            var styleId = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
            if (styleId is null || styles is null)
            {
                return null;
            }

            var style = styles.Elements<Style>().FirstOrDefault(s => s.StyleId?.Value == styleId);
            return style?.StyleParagraphProperties?.NumberingProperties;
        }

        private static int StartOf(List<Level> levels, int index) =>
            levels.FirstOrDefault(l => l.LevelIndex?.Value == index)?.StartNumberingValue?.Val?.Value ?? 1;

        private static string Format(int value, NumberFormatValues? format)
        {
            if (format == NumberFormatValues.LowerLetter)
            {
                return ((char)('a' + ((value - 1) % 26))).ToString();
            }

            if (format == NumberFormatValues.UpperLetter)
            {
                return ((char)('A' + ((value - 1) % 26))).ToString();
            }

            if (format == NumberFormatValues.LowerRoman)
            {
                return Roman(value).ToLowerInvariant();
            }

            if (format == NumberFormatValues.UpperRoman)
            {
                return Roman(value);
            }

            return value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static string Roman(int value)
        {
            (int Value, string Symbol)[] table =
                [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")];
            var sb = new StringBuilder();
            foreach (var (v, s) in table)
            {
                while (value >= v)
                {
                    sb.Append(s);
                    value -= v;
                }
            }

            return sb.ToString();
        }
    }
}
