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
    /// <summary>
    /// Publication furniture (series table, ITU foreword, copyright, table of contents, cover banner):
    /// kept in the stored text, left out of topics, references, passages and snippets (see <see cref="Boilerplate"/>).
    /// </summary>
    public bool IsBoilerplate { get; init; }

    /// <summary>The block as one line of the stored text: line breaks inside it (table cells, wrapped lines) become spaces.</summary>
    public string Line => Text.Contains('\n', StringComparison.Ordinal) || Text.Contains('\r', StringComparison.Ordinal)
        ? Text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ')
        : Text;

    public static TextBlock Paragraph(string text) => new(BlockKind.Paragraph, text);

    public static TextBlock Row(IReadOnlyList<string> cells) =>
        new(BlockKind.TableRow, string.Join('\t', cells), cells);
}

/// <summary>The text of a document as a reader produced it.</summary>
public sealed record ExtractedText(IReadOnlyList<TextBlock> Blocks)
{
    /// <summary>
    /// All blocks as plain text, exactly one block a line (table cells separated by tabs), so that line
    /// <c>i</c> of the stored text is block <c>i</c> (the index reads it back so: <c>DocumentMapper.ContentLines</c>).
    /// </summary>
    public string FullText => string.Join('\n', Blocks.Select(b => b.Line));

    /// <summary>The blocks as the reader gave them, line breaks inside blocks kept (what metadata extraction reads).</summary>
    public string RawText => string.Join('\n', Blocks.Select(b => b.Text));

    /// <summary>The text of the blocks that are not boilerplate, one block a line.</summary>
    public string ContentText => string.Join('\n', Blocks.Where(b => !b.IsBoilerplate).Select(b => b.Text));

    /// <summary>The 0-based line numbers of <see cref="FullText"/> that are boilerplate, as ranges (<c>0-12,40-80</c>); null when none.</summary>
    public string? BoilerplateRanges => Boilerplate.Ranges(Blocks.Select(b => b.IsBoilerplate).ToList());

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
