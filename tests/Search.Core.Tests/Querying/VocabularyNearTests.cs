using Search.Core.Querying;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Querying;

/// <summary>
/// <see cref="Vocabulary.Near"/> skips words whose set of letters is too different before it computes an
/// edit distance; it must find exactly what comparing with every word of about the right length finds.
/// </summary>
public sealed class VocabularyNearTests : IDisposable
{
    private readonly TestIndex _index = new();
    private readonly List<string> _words;

    public VocabularyNearTests()
    {
        // Words that differ by one or two edits of every kind: substitution, insertion, deletion, transposition.
        var random = new Random(7);
        string[] stems = ["counterfeit", "quantum", "handset", "identity", "register", "sensor", "network", "security", "distribution", "blocklist"];
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stem in stems)
        {
            words.Add(stem);
            for (var i = 0; i < 12; i++)
            {
                words.Add(Mutate(Mutate(stem, random), random));
                words.Add(Mutate(stem, random));
            }
        }

        _words = [.. words];
        for (var d = 0; d < _words.Count; d += 40)
        {
            _index.Add($"SG17-C{d:0000}.txt", TestIndex.Txt($"SG17-C{d:0000}", "2025-2028", "1/17", "3-12 March 2025", "Words",
                string.Join(' ', _words.Skip(d).Take(40)) + "."));
        }

        _index.IngestOnly();
    }

    public void Dispose() => _index.Dispose();

    private static string Mutate(string word, Random random)
    {
        var at = random.Next(word.Length);
        var letter = (char)('a' + random.Next(26));
        return random.Next(4) switch
        {
            0 => word[..at] + letter + word[(at + 1)..],
            1 => word[..at] + letter + word[at..],
            2 when word.Length > 4 => word.Remove(at, 1),
            _ when at + 1 < word.Length => word[..at] + word[at + 1] + word[at] + word[(at + 2)..],
            _ => word + letter,
        };
    }

    [Fact]
    public void Near_FindsWhatComparingWithEveryWordFinds()
    {
        using var lease = _index.Store.Lease();
        var vocabulary = Vocabulary.Of(lease.Searcher.IndexReader);
        var all = vocabulary.WithPrefix(string.Empty).Select(w => w.Word).ToList();
        Assert.True(all.Count > 200, $"{all.Count} words in the vocabulary");
        var random = new Random(11);
        var probes = _words.Take(60).Select(w => Mutate(w, random)).Concat(["conterfeit", "qunatum", "identiy", "zzzz"]).ToList();
        var found = 0;
        foreach (var probe in probes)
        {
            foreach (var edits in new[] { 1, 2 })
            {
                var expected = all
                    .Where(w => w != probe && Math.Abs(w.Length - probe.Length) <= edits && Vocabulary.EditDistance(probe, w, edits) <= edits)
                    .Select(w => (Word: w, Edits: Vocabulary.EditDistance(probe, w, edits), Frequency: vocabulary.Frequency(w)))
                    .OrderBy(r => r.Edits).ThenByDescending(r => r.Frequency).ThenBy(r => r.Word, StringComparer.Ordinal)
                    .ToList();
                var actual = vocabulary.Near(probe, edits, int.MaxValue);
                Assert.True(expected.SequenceEqual(actual), $"'{probe}' within {edits}: {string.Join(",", actual.Select(a => a.Word))}, expected {string.Join(",", expected.Select(e => e.Word))}");
                found += actual.Count;
            }
        }

        Assert.True(found > 100, $"only {found} near words over all probes");
    }
}
