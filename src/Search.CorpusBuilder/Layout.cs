namespace Search.CorpusBuilder;

/// <summary>The ITU header as it is laid out at the top of a document, shared by every output format.</summary>
internal static class Layout
{
    private static readonly string[] Positioned = ["Number", "Kind", "Study period", "Study group", "Question(s)", "Place and date"];

    public static string KindLine(AuthoredDocument doc) => doc.Kind switch
    {
        "ls" => "LIAISON STATEMENT",
        "td" => "TD",
        "report" => "REPORT",
        _ => "CONTRIBUTION",
    };

    public static string GroupLine(AuthoredDocument doc) =>
        doc.Group == "TSAG" ? "TELECOMMUNICATION STANDARDIZATION ADVISORY GROUP" : "STUDY GROUP " + doc.Group[2..];

    public static string[] TitleBlock(AuthoredDocument doc) =>
        ["INTERNATIONAL TELECOMMUNICATION UNION", "TELECOMMUNICATION STANDARDIZATION SECTOR", "STUDY PERIOD " + doc.Field("Study period")];

    public static string[] NumberBlock(AuthoredDocument doc) =>
        [doc.Field("Number") ?? doc.Stem, GroupLine(doc), "Original: English"];

    /// <summary>Header fields after the kind line, in document order (Source, Title, Purpose or addressees, Contact, Keywords, Abstract).</summary>
    public static IEnumerable<KeyValuePair<string, string>> Fields(AuthoredDocument doc) =>
        doc.Header.Where(h => !Positioned.Contains(h.Key, StringComparer.OrdinalIgnoreCase) && h.Value.Length > 0);

    /// <summary>Wraps text at <paramref name="width"/> columns.</summary>
    public static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    /// <summary>The whole document as plain-text paragraphs (each a list of lines), for .txt and .pdf output.</summary>
    public static List<List<string>> PlainParagraphs(AuthoredDocument doc, int width)
    {
        var result = new List<List<string>>
        {
            TitleBlock(doc).ToList(),
            NumberBlock(doc).ToList(),
        };
        var questions = new List<string>();
        if (doc.Field("Question(s)") is { Length: > 0 } q)
        {
            questions.Add("Question(s): " + q);
        }

        if (doc.Field("Place and date") is { Length: > 0 } p)
        {
            questions.Add("Place and date: " + p);
        }

        if (questions.Count > 0)
        {
            result.Add(questions);
        }

        result.Add([KindLine(doc)]);
        var fields = new List<string>();
        foreach (var (label, value) in Fields(doc))
        {
            var wrapped = Wrap($"{label}: {value}", width).ToList();
            fields.Add(wrapped[0]);
            fields.AddRange(wrapped.Skip(1).Select(l => "    " + l));
        }

        result.Add(fields);
        foreach (var block in BodyParser.Parse(doc.BodyLines))
        {
            switch (block)
            {
                case HeadingBlock h:
                    result.Add([h.Text]);
                    break;
                case ParagraphBlock para:
                    result.Add(Wrap(para.Text, width).ToList());
                    break;
                case BoxBlock box:
                    result.Add(Wrap("NOTE – " + box.Text, width).ToList());
                    break;
                case ListBlock list:
                    var lines = new List<string>();
                    for (var i = 0; i < list.Items.Count; i++)
                    {
                        var prefix = list.Numbered ? $"{i + 1}) " : "- ";
                        var wrapped = Wrap(prefix + list.Items[i], width).ToList();
                        lines.Add(wrapped[0]);
                        lines.AddRange(wrapped.Skip(1).Select(l => "   " + l));
                    }

                    result.Add(lines);
                    break;
                case TableBlock table:
                    var widths = Enumerable.Range(0, table.Rows.Max(r => r.Count))
                        .Select(c => table.Rows.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
                    result.Add(table.Rows.Select(r => string.Join("  ", r.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).ToList());
                    break;
            }
        }

        return result;
    }
}

internal static class TxtWriter
{
    public static void Write(AuthoredDocument doc, string path)
    {
        var text = string.Join("\n\n", Layout.PlainParagraphs(doc, 90).Select(p => string.Join('\n', p))) + "\n";
        File.WriteAllText(path, text, new System.Text.UTF8Encoding(false));
    }
}
