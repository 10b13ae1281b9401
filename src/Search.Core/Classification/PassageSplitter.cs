using System.Text.RegularExpressions;
using Search.Core.Ingestion;

namespace Search.Core.Classification;

/// <summary>
/// Splits a document into passages of about the size of the training passages (1-5 sentences): one
/// per paragraph, list item or table row, long paragraphs cut at sentence ends into windows of at
/// most <see cref="MaxWords"/> words. Tiny fragments (page furniture, labels) are left out.
/// </summary>
public static partial class PassageSplitter
{
    public const int MinWords = 6;
    public const int MaxWords = 90;

    [GeneratedRegex(@"(?<=[.!?;])\s+(?=[A-Z(“""'])", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\S+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    public static IReadOnlyList<string> Split(ExtractedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var passages = new List<string>();
        foreach (var block in text.Blocks.Where(b => !b.IsBoilerplate))
        {
            var content = block.Cells is { Count: >= 2 } cells && cells[0].TrimEnd().EndsWith(':')
                ? string.Join(' ', cells.Skip(1)) // a header row: its value, without the label
                : block.Text;
            content = Regex.Replace(content, @"\s+", " ").Trim();
            var words = Word().Count(content);
            if (words < MinWords)
            {
                continue;
            }

            if (words <= MaxWords)
            {
                passages.Add(content);
                continue;
            }

            var window = new List<string>();
            var count = 0;
            foreach (var sentence in SentenceEnd().Split(content))
            {
                var n = Word().Count(sentence);
                if (count > 0 && count + n > MaxWords)
                {
                    passages.Add(string.Join(' ', window));
                    window.Clear();
                    count = 0;
                }

                window.Add(sentence);
                count += n;
            }

            if (count >= MinWords)
            {
                passages.Add(string.Join(' ', window));
            }
        }

        return passages;
    }
}
