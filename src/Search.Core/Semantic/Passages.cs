using Search.Core.Ingestion;

namespace Search.Core.Semantic;

/// <summary>A passage of a document: its position and its text (embedded as it is, and classified as it is).</summary>
public sealed record Passage(int Index, string Text);

/// <summary>
/// The one definition of a document's passages, used by semantic search, topic classification,
/// related documents and overlap evidence alike, and cut from what ingestion stored (its title and
/// its text, one block a line): the title first, then one passage per paragraph, list item or table
/// row, a long one cut at sentence ends into windows of at most <see cref="MaxWords"/> words (about
/// the size of the topic training passages, and inside the embedding model's window). Header
/// furniture (the ITU banner, contact details, administrative fields) and fragments under
/// <see cref="MinWords"/> words are left out; header rows and "Title:"/"Abstract:" lines give their value.
/// </summary>
public static partial class Passages
{
    /// <summary>Bumped when passages are cut differently: vectors of another version are embedded again.</summary>
    public const int Version = 3;

    public const int MinWords = 6;
    public const int MaxWords = 90;

    private static readonly HashSet<string> NoiseLabels = new(
        ["Contact", "Tel", "Tel.", "Fax", "E-mail", "Email", "Original", "Purpose", "Place and date", "Question(s)", "Question", "Source", "Approval", "Deadline",
            "For action to", "For comment to", "For information to", "Number", "Study period", "Study group", "Attachment", "Attachments", "Date", "Place"],
        StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> ContentLabels = new(["Title", "Abstract", "Keywords", "Summary", "Subject"], StringComparer.OrdinalIgnoreCase);

    /// <param name="title">The document's title (its own first passage), or null.</param>
    /// <param name="lines">The document's text, one block a line (table cells separated by tabs).</param>
    public static IReadOnlyList<Passage> Cut(string? title, IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var texts = new List<string>();
        var cleanTitle = title is null ? string.Empty : WhiteSpace.OneSpaced(title).Trim();
        if (cleanTitle.Length > 0)
        {
            texts.Add(cleanTitle);
        }

        foreach (var line in lines)
        {
            var content = Content(line);
            var words = WordCount(content);
            if (words < MinWords || content == cleanTitle)
            {
                continue;
            }

            if (words <= MaxWords)
            {
                texts.Add(content);
                continue;
            }

            var window = new List<string>();
            var count = 0;
            foreach (var sentence in Sentences(content))
            {
                var sentenceWords = sentence.Split(' ').ToList();
                if (count > 0 && count + sentenceWords.Count > MaxWords)
                {
                    texts.Add(string.Join(' ', window));
                    window.Clear();
                    count = 0;
                }

                // A sentence longer than a window is cut at word boundaries.
                while (sentenceWords.Count > MaxWords)
                {
                    texts.Add(string.Join(' ', sentenceWords.Take(MaxWords)));
                    sentenceWords.RemoveRange(0, MaxWords);
                }

                window.Add(string.Join(' ', sentenceWords));
                count += sentenceWords.Count;
            }

            if (count >= MinWords)
            {
                texts.Add(string.Join(' ', window));
            }
        }

        return texts.Select((t, i) => new Passage(i, t)).ToList();
    }

    // Content gives its text with every run of white space made one space and none at either end, so words
    // and sentence ends are found by looking at single spaces (the regular expressions \S+ for a word and
    // (?<=[.!?;])\s+(?=[A-Z(“"']) for a sentence end, which these replace, cost most of the cutting).

    /// <summary>The words of a line as <see cref="Content"/> gives it.</summary>
    private static int WordCount(string content) => content.Length == 0 ? 0 : content.AsSpan().Count(' ') + 1;

    /// <summary>The sentences of a line as <see cref="Content"/> gives it: cut at a space after '.', '!', '?' or ';' and before a capital, a parenthesis or a quote.</summary>
    private static List<string> Sentences(string content)
    {
        var sentences = new List<string>();
        var start = 0;
        for (var i = 1; i < content.Length - 1; i++)
        {
            if (content[i] == ' ' && content[i - 1] is '.' or '!' or '?' or ';' && content[i + 1] is (>= 'A' and <= 'Z') or '(' or '“' or '"' or '\'')
            {
                sentences.Add(content[start..i]);
                start = i + 1;
            }
        }

        sentences.Add(content[start..]);
        return sentences;
    }

    /// <summary>
    /// A line as it counts for passages: a header row (first cell ending in ':') or a "Label: value"
    /// line gives its value, administrative fields and all-capitals banners give nothing.
    /// </summary>
    internal static string Content(string line)
    {
        var text = line.Trim();
        if (text.Length == 0 || (Any(text, char.IsLetter) && !Any(text, char.IsLower)))
        {
            return string.Empty;
        }

        string? label = null;
        string value;
        var cells = text.Split('\t');
        if (cells.Length >= 2 && cells[0].TrimEnd().EndsWith(':'))
        {
            label = cells[0].TrimEnd().TrimEnd(':').Trim();
            value = string.Join(' ', cells.Skip(1));
        }
        else if (cells.Length >= 2)
        {
            value = string.Join(' ', cells);
        }
        else
        {
            value = text;
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && colon <= 20)
            {
                label = text[..colon].Trim();
                if (NoiseLabels.Contains(label) || ContentLabels.Contains(label))
                {
                    value = text[(colon + 1)..];
                }
                else
                {
                    label = null;
                }
            }
        }

        if (label is not null && NoiseLabels.Contains(label))
        {
            return string.Empty;
        }

        return WhiteSpace.OneSpaced(value).Trim();
    }

    // Over the string's characters: LINQ's Any on a string goes through an enumerator, a call a character.
    private static bool Any(string text, Func<char, bool> predicate)
    {
        foreach (var c in text)
        {
            if (predicate(c))
            {
                return true;
            }
        }

        return false;
    }

}
