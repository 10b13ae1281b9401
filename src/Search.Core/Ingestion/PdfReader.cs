using System.Text;
using Microsoft.Extensions.Options;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Exceptions;

namespace Search.Core.Ingestion;

/// <summary>
/// Reads text PDFs with PdfPig, rebuilding lines from word positions and paragraphs from the gaps
/// between lines. Every compressed stream is inflated once into nothing, within a limit, before
/// PdfPig sees the file, because PdfPig inflates streams whole in memory (a flate bomb would
/// take gigabytes). A PDF with pages but no text (a scan) is refused rather than indexed empty.
/// </summary>
public sealed class PdfReader(IOptions<SearchOptions> options) : IDocumentReader
{
    private const int MaxPages = 2000;

    public IReadOnlyCollection<string> Extensions { get; } = [".pdf"];

    public ExtractedText Read(string path, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var bytes = FileGuards.ReadAllBytesLimited(path, settings.MaxFileBytes);
        if (bytes.AsSpan(0, Math.Min(1024, bytes.Length)).IndexOf("%PDF-"u8) < 0)
        {
            throw new DocumentReadException("not a PDF: no %PDF- header");
        }

        CheckStreams(bytes, settings.MaxExpandedBytes);

        try
        {
            using var document = PdfDocument.Open(bytes, new ParsingOptions { ClipPaths = false });
            if (document.NumberOfPages > MaxPages)
            {
                throw new DocumentReadException($"PDF has {document.NumberOfPages} pages (limit {MaxPages})");
            }

            var blocks = new List<TextBlock>();
            var images = 0;
            foreach (var page in document.GetPages())
            {
                cancellationToken.ThrowIfCancellationRequested();
                images += page.GetImages().Count();
                blocks.AddRange(PageParagraphs(page));
            }

            var letters = blocks.Sum(b => b.Text.Count(char.IsLetter));
            if (letters == 0)
            {
                throw new DocumentReadException(images > 0
                    ? $"no extractable text: {document.NumberOfPages} page(s) of images only (a scanned PDF; run OCR first)"
                    : "no extractable text in the PDF");
            }

            return Boilerplate.Mark(new ExtractedText(blocks));
        }
        catch (PdfDocumentEncryptedException ex)
        {
            throw new DocumentReadException("encrypted (password-protected) PDF: it cannot be read without the password", ex);
        }
        catch (PdfDocumentFormatException ex)
        {
            throw new DocumentReadException($"corrupt PDF: {ex.Message}", ex);
        }
    }

    /// <summary>Finds each <c>stream … endstream</c> body and inflates the zlib ones within the limit.</summary>
    internal static void CheckStreams(byte[] bytes, long maxExpandedBytes)
    {
        var span = bytes.AsSpan();
        var keyword = "stream"u8;
        var end = "endstream"u8;
        long total = 0;
        var position = 0;
        while (position < span.Length)
        {
            var found = span[position..].IndexOf(keyword);
            if (found < 0)
            {
                break;
            }

            var start = position + found;
            var isEndKeyword = start >= 3 && span.Slice(start - 3, 3).SequenceEqual("end"u8);
            var dataStart = start + keyword.Length;
            position = dataStart;
            if (isEndKeyword)
            {
                continue;
            }

            if (dataStart < span.Length && span[dataStart] == '\r')
            {
                dataStart++;
            }

            if (dataStart < span.Length && span[dataStart] == '\n')
            {
                dataStart++;
            }

            var stop = span[dataStart..].IndexOf(end);
            if (stop < 0)
            {
                break;
            }

            var data = span.Slice(dataStart, stop);
            position = dataStart + stop + end.Length;
            if (data.Length < 2 || data[0] != 0x78)
            {
                continue;
            }

            var offset = start;
            try
            {
                total += FileGuards.CountZlib(data, maxExpandedBytes - total,
                    limit => $"decompression bomb: the stream at byte {offset} expands past {FileGuards.Megabytes(maxExpandedBytes)} MB of content");
            }
            catch (InvalidDataException)
            {
                // Not zlib after all, or damaged: PdfPig decides what to make of it.
            }
        }
    }

    private static IEnumerable<TextBlock> PageParagraphs(Page page)
    {
        var words = page.GetWords().Where(w => !string.IsNullOrWhiteSpace(w.Text)).ToList();
        if (words.Count == 0)
        {
            yield break;
        }

        // Group words into lines by baseline, top to bottom, then left to right.
        var lines = new List<(double Bottom, double Height, List<Word> Words)>();
        foreach (var word in words.OrderByDescending(w => w.BoundingBox.Bottom).ThenBy(w => w.BoundingBox.Left))
        {
            var height = Math.Max(1, word.BoundingBox.Height);
            var line = lines.Count > 0 ? lines[^1] : default;
            if (lines.Count > 0 && Math.Abs(line.Bottom - word.BoundingBox.Bottom) < height * 0.5)
            {
                line.Words.Add(word);
            }
            else
            {
                lines.Add((word.BoundingBox.Bottom, height, [word]));
            }
        }

        var gaps = new List<double>();
        for (var i = 1; i < lines.Count; i++)
        {
            gaps.Add(lines[i - 1].Bottom - lines[i].Bottom);
        }

        var typical = gaps.Count == 0 ? 0 : gaps.Order().ElementAt((gaps.Count - 1) / 2);
        var paragraph = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0 && lines[i - 1].Bottom - lines[i].Bottom > typical * 1.4 && paragraph.Length > 0)
            {
                yield return TextBlock.Paragraph(paragraph.ToString());
                paragraph.Clear();
            }

            if (paragraph.Length > 0)
            {
                paragraph.Append('\n');
            }

            paragraph.Append(string.Join(' ', lines[i].Words.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text)));
        }

        if (paragraph.Length > 0)
        {
            yield return TextBlock.Paragraph(paragraph.ToString());
        }
    }
}
