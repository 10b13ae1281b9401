using System.Text;
using Microsoft.Extensions.Options;

namespace Search.Core.Ingestion;

/// <summary>
/// Reads plain text: UTF-8 with or without BOM, UTF-16 with a BOM, and falls back to Windows-1252
/// when the bytes are not valid UTF-8 (older documents saved on Windows).
/// </summary>
public sealed class TextFileReader(IOptions<SearchOptions> options) : IDocumentReader
{
    /// <summary>Lines longer than this are not wrapped: each is a paragraph of its own.</summary>
    public const int UnwrappedLine = 160;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    public IReadOnlyCollection<string> Extensions { get; } = [".txt"];

    public bool ReadsBytes => true;

    public ExtractedText Read(string path, CancellationToken cancellationToken) =>
        Read(FileGuards.ReadAllBytesLimited(path, options.Value.MaxFileBytes), cancellationToken);

    public ExtractedText Read(byte[] bytes, CancellationToken cancellationToken) => FromPlainText(Decode(bytes));

    /// <summary>Decodes bytes as a text file would be read; binary content is refused.</summary>
    public static string Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0)
        {
            throw new DocumentReadException("empty file");
        }

        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            return StrictDecode(StrictUtf8, bytes, 3);
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            return StrictDecode(new UnicodeEncoding(false, false, true), bytes, 2);
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            return StrictDecode(new UnicodeEncoding(true, false, true), bytes, 2);
        }

        var probe = Math.Min(bytes.Length, 8192);
        var controls = 0;
        for (var i = 0; i < probe; i++)
        {
            var b = bytes[i];
            if (b == 0)
            {
                throw new DocumentReadException($"binary content (NUL byte at offset {i}), not a text file");
            }

            if (b < 0x09 || (b > 0x0D && b < 0x20 && b != 0x1B))
            {
                controls++;
            }
        }

        if (controls > probe / 10)
        {
            throw new DocumentReadException($"binary content ({controls} control bytes in the first {probe}), not a text file");
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Windows1252(bytes);
        }
    }

    /// <summary>
    /// Splits plain text into paragraph blocks: at blank lines when the text is wrapped (lines inside a
    /// paragraph stay apart with '\n'), and one block per line when it is not (a line longer than
    /// <see cref="UnwrappedLine"/> characters shows that each line is a paragraph, as in text saved from a word processor).
    /// </summary>
    public static ExtractedText FromPlainText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var blocks = new List<TextBlock>();
        var paragraph = new List<string>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var linePerParagraph = lines.Any(l => l.Length > UnwrappedLine);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || linePerParagraph)
            {
                Flush();
            }

            if (line.Length > 0)
            {
                paragraph.Add(line);
            }
        }

        Flush();
        if (blocks.Count == 0)
        {
            throw new DocumentReadException("no text (the file holds only white space)");
        }

        return Boilerplate.Mark(new ExtractedText(blocks));

        void Flush()
        {
            if (paragraph.Count > 0)
            {
                blocks.Add(TextBlock.Paragraph(string.Join('\n', paragraph)));
                paragraph.Clear();
            }
        }
    }

    private static string StrictDecode(Encoding encoding, byte[] bytes, int offset)
    {
        try
        {
            return encoding.GetString(bytes, offset, bytes.Length - offset);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DocumentReadException($"invalid {encoding.WebName} text at byte {offset + (ex.Index < 0 ? 0 : ex.Index)}", ex);
        }
    }

    // Windows-1252 differs from Latin-1 only in 0x80-0x9F; mapping them here avoids a code-page provider.
    private static readonly char[] Cp1252High =
    [
        '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
        '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
    ];

    private static string Windows1252(byte[] bytes)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            chars[i] = b is >= 0x80 and <= 0x9F ? Cp1252High[b - 0x80] : (char)b;
        }

        return new string(chars);
    }
}
