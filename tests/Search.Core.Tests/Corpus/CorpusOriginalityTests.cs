using System.Text.RegularExpressions;

namespace Search.Core.Tests.Corpus;

/// <summary>
/// Templated text would make every measurement on the corpus meaningless: no paragraph of 20 words
/// or more may appear, identical or near-identical, in two documents, or in a document and a
/// training passage. Near-identical means sharing at least half of their word trigrams (Jaccard).
/// Contact details are not prose and are left out.
/// </summary>
public sealed partial class CorpusOriginalityTests
{
    private const int MinWords = 20;
    private const double NearIdentical = 0.5;

    [GeneratedRegex(@"[\p{L}\p{N}]+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    private sealed record Paragraph(string Source, string Text, HashSet<string> Shingles);

    [Fact]
    public void NoParagraphRepeats_AcrossDocumentsOrTrainingPassages()
    {
        var paragraphs = new List<Paragraph>();
        foreach (var (file, text) in CorpusFiles.Texts)
        {
            // A delegate's contact details legitimately repeat across the documents they sign.
            foreach (var block in text.Blocks.Where(b => !b.Text.StartsWith("Contact:", StringComparison.Ordinal)))
            {
                Add(paragraphs, file, block.Text);
            }
        }

        foreach (var passage in CorpusFiles.Passages())
        {
            Add(paragraphs, "training:" + passage.Id, passage.Text);
        }

        // Candidate pairs share a trigram; an inverted index keeps this fast.
        var postings = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < paragraphs.Count; i++)
        {
            foreach (var s in paragraphs[i].Shingles)
            {
                if (!postings.TryGetValue(s, out var list))
                {
                    postings[s] = list = [];
                }

                list.Add(i);
            }
        }

        var failures = new List<string>();
        for (var i = 0; i < paragraphs.Count; i++)
        {
            var shared = new Dictionary<int, int>();
            foreach (var s in paragraphs[i].Shingles)
            {
                foreach (var j in postings[s].Where(j => j > i))
                {
                    shared[j] = shared.GetValueOrDefault(j) + 1;
                }
            }

            foreach (var (j, count) in shared)
            {
                var a = paragraphs[i];
                var b = paragraphs[j];
                if (a.Source == b.Source)
                {
                    continue;
                }

                var jaccard = count / (double)(a.Shingles.Count + b.Shingles.Count - count);
                if (jaccard >= NearIdentical)
                {
                    failures.Add($"{a.Source} ~ {b.Source} ({jaccard:0.00}): {a.Text[..Math.Min(80, a.Text.Length)]}");
                }
            }
        }

        Assert.True(paragraphs.Count > 1000, $"only {paragraphs.Count} paragraphs were compared");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void Add(List<Paragraph> paragraphs, string source, string text)
    {
        var words = Word().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToList();
        if (words.Count < MinWords)
        {
            return;
        }

        var shingles = Enumerable.Range(0, words.Count - 2).Select(i => $"{words[i]} {words[i + 1]} {words[i + 2]}").ToHashSet(StringComparer.Ordinal);
        paragraphs.Add(new Paragraph(source, text, shingles));
    }
}
