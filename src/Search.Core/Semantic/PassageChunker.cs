using System.Text.RegularExpressions;

namespace Search.Core.Semantic;

/// <summary>A passage of a document as it is embedded: its position, its text, and the text with the title as context.</summary>
public sealed record Passage(int Index, string Text, string Embedded);

/// <summary>
/// Splits a document into passages for embedding: consecutive paragraphs are gathered until about
/// <see cref="TargetWords"/> words, never past <see cref="MaxWords"/> (a longer paragraph is cut at
/// sentence ends), so each passage stays inside the model's window. The title is put in front of each
/// passage as context.
/// </summary>
public static partial class PassageChunker
{
    public const int TargetWords = 150;
    public const int MaxWords = 250;
    private const int MinWords = 8;

    [GeneratedRegex(@"\S+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    [GeneratedRegex(@"(?<=[.!?;])\s+(?=[A-Z(“""'])", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceEnd();

    /// <param name="paragraphs">The document's paragraphs in order (for an indexed document, the lines of its stored text).</param>
    public static IReadOnlyList<Passage> Chunk(string? title, IEnumerable<string> paragraphs)
    {
        ArgumentNullException.ThrowIfNull(paragraphs);
        var pieces = new List<string>();
        foreach (var raw in paragraphs)
        {
            var paragraph = Regex.Replace(raw, @"\s+", " ").Trim();
            if (paragraph.Length == 0)
            {
                continue;
            }

            if (Word().Count(paragraph) <= MaxWords)
            {
                pieces.Add(paragraph);
                continue;
            }

            // A very long paragraph: sentences, then words if a sentence is itself too long.
            foreach (var sentence in SentenceEnd().Split(paragraph))
            {
                var words = Word().Matches(sentence).Select(m => m.Value).ToList();
                for (var i = 0; i < words.Count; i += MaxWords)
                {
                    pieces.Add(string.Join(' ', words.Skip(i).Take(MaxWords)));
                }
            }
        }

        var passages = new List<Passage>();
        var current = new List<string>();
        var count = 0;
        foreach (var piece in pieces)
        {
            var n = Word().Count(piece);
            if (count > 0 && (count + n > MaxWords || count >= TargetWords))
            {
                Flush();
            }

            current.Add(piece);
            count += n;
        }

        Flush();
        return passages;

        void Flush()
        {
            if (count >= MinWords || (count > 0 && passages.Count == 0))
            {
                var text = string.Join(' ', current);
                var embedded = string.IsNullOrWhiteSpace(title) ? text : $"{title.Trim()}. {text}";
                passages.Add(new Passage(passages.Count, text, embedded));
            }

            current.Clear();
            count = 0;
        }
    }
}
