namespace Search.Core.Ingestion;

/// <summary>The kind of a block of text taken from a document, in reading order.</summary>
public enum BlockKind
{
    Paragraph,
    Heading,
    ListItem,
    TableRow,
    TextBox,
}

/// <summary>One block of text. Table rows keep their cells so header tables can be read as label/value pairs.</summary>
public sealed record TextBlock(BlockKind Kind, string Text, IReadOnlyList<string>? Cells = null)
{
    public static TextBlock Paragraph(string text) => new(BlockKind.Paragraph, text);

    public static TextBlock Row(IReadOnlyList<string> cells) =>
        new(BlockKind.TableRow, string.Join('\t', cells), cells);
}

/// <summary>The text of a document as a reader produced it.</summary>
public sealed record ExtractedText(IReadOnlyList<TextBlock> Blocks)
{
    /// <summary>
    /// All blocks as plain text, exactly one block a line (table cells separated by tabs; line breaks
    /// inside a block become spaces), so that passages cut from the stored text follow the blocks.
    /// </summary>
    public string FullText => string.Join('\n', Blocks.Select(b => OneLine(b.Text)));

    private static string OneLine(string text) =>
        text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)
            ? text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ')
            : text;

    public int WordCount => Blocks.Sum(b => CountWords(b.Text));

    private static int CountWords(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = char.IsLetterOrDigit(c);
            if (letter && !inWord)
            {
                count++;
            }

            inWord = letter;
        }

        return count;
    }
}

/// <summary>A document that cannot be read, with the reason a user can act on.</summary>
public sealed class DocumentReadException(string message, Exception? inner = null) : Exception(message, inner);
