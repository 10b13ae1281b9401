namespace Search.CorpusBuilder;

/// <summary>One hand-written source file of corpus/authored (format in corpus/AUTHORING.md).</summary>
internal sealed record AuthoredDocument(
    string Stem,
    string Format,
    IReadOnlyList<string> Topics,
    IReadOnlyList<string> Overlaps,
    IReadOnlyList<KeyValuePair<string, string>> Header,
    IReadOnlyList<string> BodyLines)
{
    public string? Field(string label) =>
        Header.Where(h => h.Key.Equals(label, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public IEnumerable<string> Fields(string label) =>
        Header.Where(h => h.Key.Equals(label, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public string Kind => (Field("Kind") ?? "contribution").Trim().ToLowerInvariant();

    public string Group
    {
        get
        {
            var value = (Field("Study group") ?? string.Empty).Trim();
            return value.Equals("TSAG", StringComparison.OrdinalIgnoreCase) ? "TSAG" : "SG" + value.TrimStart('S', 'G', 's', 'g');
        }
    }

    public static AuthoredDocument Parse(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var lines = File.ReadAllLines(path);
        string? format = null;
        var topics = new List<string>();
        var overlaps = new List<string>();
        var header = new List<KeyValuePair<string, string>>();
        var i = 0;
        for (; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            if (line.Trim() == "---")
            {
                i++;
                break;
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('%'))
            {
                var (key, value) = Split(line[1..], path, i);
                switch (key.ToLowerInvariant())
                {
                    case "format":
                        format = value.Trim().ToLowerInvariant();
                        break;
                    case "topics":
                        topics.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant()).Where(t => t != "none"));
                        break;
                    case "overlap":
                        overlaps.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                        break;
                    default:
                        throw new FormatException($"{path}:{i + 1}: unknown directive '%{key}'");
                }

                continue;
            }

            var (label, text) = Split(line, path, i);
            header.Add(new(label.Trim(), text.Trim()));
        }

        if (format is not ("docx" or "txt" or "pdf"))
        {
            throw new FormatException($"{path}: %format must be docx, txt or pdf");
        }

        return new AuthoredDocument(stem, format, topics, overlaps, header, lines[i..]);
    }

    private static (string Key, string Value) Split(string line, string path, int index)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new FormatException($"{path}:{index + 1}: expected 'Label: value', found '{line}'");
        }

        return (line[..colon].Trim(), line[(colon + 1)..]);
    }
}

/// <summary>A block of the body markup.</summary>
internal abstract record BodyBlock;

internal sealed record HeadingBlock(int Level, string Text) : BodyBlock;

internal sealed record ParagraphBlock(string Text) : BodyBlock;

internal sealed record ListBlock(bool Numbered, IReadOnlyList<string> Items) : BodyBlock;

internal sealed record TableBlock(IReadOnlyList<IReadOnlyList<string>> Rows) : BodyBlock;

internal sealed record BoxBlock(string Text) : BodyBlock;

internal static class BodyParser
{
    public static List<BodyBlock> Parse(IReadOnlyList<string> lines)
    {
        var blocks = new List<BodyBlock>();
        var paragraph = new List<string>();
        List<string>? list = null;
        var numbered = false;
        List<IReadOnlyList<string>>? table = null;

        void Flush()
        {
            if (paragraph.Count > 0)
            {
                blocks.Add(new ParagraphBlock(string.Join(' ', paragraph)));
                paragraph.Clear();
            }

            if (list is not null)
            {
                blocks.Add(new ListBlock(numbered, list));
                list = null;
            }

            if (table is not null)
            {
                blocks.Add(new TableBlock(table));
                table = null;
            }
        }

        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                Flush();
                continue;
            }

            if (line.StartsWith('#'))
            {
                Flush();
                var level = line.TakeWhile(c => c == '#').Count();
                blocks.Add(new HeadingBlock(Math.Min(level, 3), line[level..].Trim()));
                continue;
            }

            if (line.StartsWith("[box]", StringComparison.OrdinalIgnoreCase))
            {
                Flush();
                blocks.Add(new BoxBlock(line[5..].Trim()));
                continue;
            }

            if (line.StartsWith('|'))
            {
                if (table is null)
                {
                    Flush();
                    table = [];
                }

                var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToList();
                if (cells.All(c => c.Length > 0 && c.All(ch => ch is '-' or ':' or ' ')))
                {
                    continue; // a markdown separator row
                }

                table.Add(cells);
                continue;
            }

            var bullet = line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal);
            var number = System.Text.RegularExpressions.Regex.Match(line, @"^\d{1,2}[\).]\s+");
            if (bullet || number.Success)
            {
                var isNumbered = number.Success;
                if (list is null || numbered != isNumbered || paragraph.Count > 0)
                {
                    Flush();
                    list = [];
                    numbered = isNumbered;
                }

                list.Add(bullet ? line[2..].Trim() : line[number.Length..].Trim());
                continue;
            }

            if (list is not null || table is not null)
            {
                if (list is not null && paragraph.Count == 0 && !char.IsUpper(line[0]) && list.Count > 0)
                {
                    list[^1] += " " + line; // continuation of a list item
                    continue;
                }

                Flush();
            }

            paragraph.Add(line);
        }

        Flush();
        return blocks;
    }
}
