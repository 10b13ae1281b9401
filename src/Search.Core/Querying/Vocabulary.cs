using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Lucene.Net.Index;
using Search.Core.Indexing;
using Search.Core.Ingestion;

namespace Search.Core.Querying;

/// <summary>One entry of the autocomplete list: the text shown, what it is (<c>title</c>, <c>number</c>, <c>question</c>, <c>recommendation</c>, <c>acronym</c> or <c>word</c>), and the document it opens (null for a Question, acronym or word).</summary>
public sealed record Suggestion(string Text, string Kind, string? Id);

/// <summary>The answer of <c>GET /api/suggest</c>: what was typed and its completions, best first.</summary>
public sealed record SuggestResponse(string Query, IReadOnlyList<Suggestion> Suggestions);

/// <summary>
/// The words and names of one index generation, built once per searcher (the reader is the key, so a
/// new commit gets a new vocabulary): content words with their document frequencies (for typo
/// tolerance and "did you mean", in the words people type rather than the stems the index holds), and
/// the autocomplete entries (titles, document numbers, Questions, Recommendations, acronyms), sorted
/// by a lower-case key so that a prefix is found by binary search.
/// </summary>
public sealed partial class Vocabulary
{
    private static readonly ConditionalWeakTable<IndexReader, Vocabulary> Cache = new();

    private readonly Dictionary<string, int> _words;
    private readonly string[] _wordKeys;
    // Sorted by key. A title's entries for the words after its first share the title's key string: the
    // key of such an entry is the title key from Offset on (at 100,000 titles, a string per word was about 120 MB).
    private readonly Entry[] _entries;

    // The words by length, for the near words of a typo (only lengths within the edits can be near).
    private readonly Lazy<(string[] Words, ulong[] Letters)[]> _byLength;

    private readonly record struct Entry(string Text, int Offset, Suggestion Suggestion, int Rank)
    {
        public ReadOnlySpan<char> Key => Text.AsSpan(Offset);
    }

    private Vocabulary(Dictionary<string, int> words, List<Entry> entries)
    {
        _words = words;
        _wordKeys = words.Keys.Order(StringComparer.Ordinal).ToArray();

        // Ordinal order of the keys; entries with equal keys keep the order they were added in.
        var order = Enumerable.Range(0, entries.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var byKey = entries[a].Key.SequenceCompareTo(entries[b].Key);
            return byKey != 0 ? byKey : a.CompareTo(b);
        });
        _entries = Array.ConvertAll(order, i => entries[i]);
        _byLength = new(() =>
        {
            var longest = _wordKeys.Length == 0 ? 0 : _wordKeys.Max(w => w.Length);
            var lookup = _wordKeys.ToLookup(w => w.Length);
            return Enumerable.Range(0, longest + 1).Select(n =>
            {
                var words = lookup[n].ToArray();
                return (words, words.Select(Letters).ToArray());
            }).ToArray();
        });
    }

    [GeneratedRegex(@"\p{L}{3,}", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    [GeneratedRegex(@"^[A-Z][A-Z0-9]{1,7}$", RegexOptions.CultureInvariant)]
    private static partial Regex Acronym();

    /// <summary>The vocabulary of <paramref name="reader"/>'s generation, built on first use.</summary>
    public static Vocabulary Of(IndexReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Cache.GetValue(reader, Build);
    }

    /// <summary>Up to this many documents the vocabulary is built when first asked for (well under a second); above, in the background.</summary>
    public const int InlineBuildLimit = 20_000;

    private static readonly ConditionalWeakTable<IndexReader, Task<Vocabulary?>> Building = new();

    /// <summary>
    /// The vocabulary of <paramref name="reader"/>'s generation when it is ready. For a large index the
    /// first call starts building it in the background and gives null: building it reads every term of
    /// the index (seconds at 100,000 documents), which no query should wait for.
    /// </summary>
    public static Vocabulary? Ready(IndexReader reader) => Ready(reader, InlineBuildLimit);

    /// <summary><see cref="Ready(IndexReader)"/>, built at once up to <paramref name="inlineBuildLimit"/> documents.</summary>
    public static Vocabulary? Ready(IndexReader reader, int inlineBuildLimit)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (Cache.TryGetValue(reader, out var built))
        {
            return built;
        }

        if (reader.MaxDoc <= inlineBuildLimit)
        {
            return Of(reader);
        }

        var task = Building.GetValue(reader, r => Task.Run(() =>
        {
            try
            {
                return Of(r);
            }
            catch (ObjectDisposedException)
            {
                return null; // the generation was replaced meanwhile: the next one builds its own
            }
        }));
        return task.IsCompletedSuccessfully ? task.Result : null;
    }

    /// <summary>In how many documents a lower-case word occurs (0 when it does not).</summary>
    public int Frequency(string word) => _words.GetValueOrDefault(word);

    /// <summary>Words starting with <paramref name="prefix"/>, most frequent first.</summary>
    public IEnumerable<(string Word, int Frequency)> WithPrefix(string prefix)
    {
        var start = Array.BinarySearch(_wordKeys, prefix, StringComparer.Ordinal);
        start = start < 0 ? ~start : start;
        var result = new List<(string, int)>();
        for (var i = start; i < _wordKeys.Length && _wordKeys[i].StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            result.Add((_wordKeys[i], _words[_wordKeys[i]]));
        }

        return result.OrderByDescending(r => r.Item2).ThenBy(r => r.Item1, StringComparer.Ordinal);
    }

    /// <summary>
    /// The known words within <paramref name="maxEdits"/> edits (insertion, deletion, substitution or
    /// transposition of neighbours) of <paramref name="word"/>: nearest first, then the most frequent.
    /// </summary>
    public IReadOnlyList<(string Word, int Edits, int Frequency)> Near(string word, int maxEdits, int limit)
    {
        ArgumentNullException.ThrowIfNull(word);
        var result = new List<(string, int, int)>();
        var byLength = _byLength.Value;
        var letters = Letters(word);
        for (var length = Math.Max(0, word.Length - maxEdits); length <= word.Length + maxEdits && length < byLength.Length; length++)
        {
            var (words, masks) = byLength[length];
            for (var w = 0; w < words.Length; w++)
            {
                // An edit adds or removes at most two letters of the set a word has (a substitution one of each):
                // a word whose set differs in more is too far, without the edit distance.
                var candidate = words[w];
                if (System.Numerics.BitOperations.PopCount(masks[w] ^ letters) > 2 * maxEdits || candidate == word)
                {
                    continue;
                }

                var edits = EditDistance(word, candidate, maxEdits);
                if (edits <= maxEdits)
                {
                    result.Add((candidate, edits, _words[candidate]));
                }
            }
        }

        return result.OrderBy(r => r.Item2).ThenByDescending(r => r.Item3).ThenBy(r => r.Item1, StringComparer.Ordinal).Take(limit).ToList();
    }

    /// <summary>Autocomplete entries whose key (or one of its words) starts with <paramref name="prefix"/>: numbers, Questions and Recommendations first, then acronyms, titles and words.</summary>
    public IReadOnlyList<Suggestion> Suggest(string prefix, int limit)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var key = Key(prefix);
        if (key.Length == 0)
        {
            return [];
        }

        var found = new List<(Suggestion Entry, int Rank)>();
        for (var i = FirstAtOrAfter(key); i < _entries.Length && _entries[i].Key.StartsWith(key, StringComparison.Ordinal); i++)
        {
            found.Add((_entries[i].Suggestion, _entries[i].Rank));
        }

        var seen = new HashSet<(string, string?)>();
        var result = found.OrderBy(f => f.Rank).ThenBy(f => f.Entry.Text.Length).ThenBy(f => f.Entry.Text, StringComparer.Ordinal)
            .Select(f => f.Entry).Where(e => seen.Add((e.Text, e.Id))).Take(limit).ToList();
        if (result.Count < limit && key.All(char.IsLetter))
        {
            result.AddRange(WithPrefix(key).Where(w => w.Word != key).Take(limit - result.Count).Select(w => new Suggestion(w.Word, "word", null)));
        }

        return result;
    }

    /// <summary>The first entry whose key is not before <paramref name="key"/> in ordinal order.</summary>
    private int FirstAtOrAfter(string key)
    {
        int low = 0, high = _entries.Length;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_entries[middle].Key.SequenceCompareTo(key) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>The lower-case search key of a suggestion: spaces collapsed, leading zeros of numbers dropped (<c>SG17-LS0269</c> is found as <c>sg17-ls269</c>).</summary>
    private static string Key(string text) =>
        Regex.Replace(Regex.Replace(text.Trim().ToLowerInvariant(), @"\s+", " "), @"(?<=[a-z])0+(?=\d)", string.Empty);

    private static Vocabulary Build(IndexReader reader)
    {
        // Per word: the documents it is in, and the last document counted (so each document counts once).
        var words = new Dictionary<string, (int Documents, int Last)>(StringComparer.Ordinal);
        var capitals = new Dictionary<string, (int Documents, int Last)>(StringComparer.Ordinal);
        var entries = new List<Entry>();
        var questions = new HashSet<string>(StringComparer.Ordinal);
        var fields = new HashSet<string> { IndexFields.Id, IndexFields.Title, IndexFields.Body, IndexFields.Boilerplate, IndexFields.Metadata };
        var counter = new WordCounter(words, capitals);
        var ordinal = 0;
        foreach (var (_, doc) in LiveDocuments.Read(reader, fields))
        {
            ordinal++;
            var id = doc.Get(IndexFields.Id) ?? string.Empty;
            var title = doc.Get(IndexFields.Title) ?? string.Empty;
            counter.Count(title, ordinal);
            var body = doc.Get(IndexFields.Body) ?? string.Empty;
            var boilerplate = doc.Get(IndexFields.Boilerplate);
            if (boilerplate is null)
            {
                counter.Count(body, ordinal);
            }
            else
            {
                foreach (var line in DocumentMapper.ContentLines(body, boilerplate))
                {
                    counter.Count(line, ordinal);
                }
            }

            var metadata = DocumentMapper.MetadataOf(doc);
            if (title.Length > 0)
            {
                var titleEntry = new Suggestion(title, "title", id);
                var titleKey = Key(title);
                entries.Add(new Entry(titleKey, 0, titleEntry, 4));
                foreach (Match w in Regex.Matches(title, @"(?<=\s)\S{3,}"))
                {
                    var key = Key(title[w.Index..]);
                    entries.Add(titleKey.EndsWith(key, StringComparison.Ordinal)
                        ? new Entry(titleKey, titleKey.Length - key.Length, titleEntry, 5)
                        : new Entry(key, 0, titleEntry, 5));
                }
            }

            if (metadata.Number is { } number)
            {
                entries.Add(new Entry(Key(number), 0, new Suggestion(number, metadata.Kind == DocumentKind.Recommendation ? "recommendation" : "number", id), 0));
            }

            foreach (var recommendation in metadata.Recommendation?.Numbers ?? [])
            {
                entries.Add(new Entry(Key(recommendation), 0, new Suggestion(recommendation, "recommendation", id), 1));
            }

            questions.UnionWith(metadata.Questions);
        }

        foreach (var question in questions)
        {
            entries.Add(new Entry(Key(question), 0, new Suggestion(question, "question", null), 1));
        }

        // An acronym is a word in capitals found in at least two documents (one-off capitals are headings or names).
        foreach (var (acronym, count) in capitals.Where(c => c.Value.Documents >= 2))
        {
            entries.Add(new Entry(Key(acronym), 0, new Suggestion(acronym, "acronym", null), 3));
        }

        return new Vocabulary(words.ToDictionary(w => w.Key, w => w.Value.Documents, StringComparer.Ordinal), entries);
    }

    /// <summary>
    /// Counts the words of a text, as <c>\p{L}{3,}</c> finds them, lower-cased, once per document; and the
    /// words in capitals (3 to 8 letters A-Z). Without regular expressions or a string per occurrence:
    /// at 100,000 documents the regular-expression version allocated 12 GB and took 20 s.
    /// </summary>
    private sealed class WordCounter(Dictionary<string, (int Documents, int Last)> words, Dictionary<string, (int Documents, int Last)> capitals)
    {
        private readonly Dictionary<string, (int Documents, int Last)>.AlternateLookup<ReadOnlySpan<char>> _words = words.GetAlternateLookup<ReadOnlySpan<char>>();
        private readonly Dictionary<string, (int Documents, int Last)>.AlternateLookup<ReadOnlySpan<char>> _capitals = capitals.GetAlternateLookup<ReadOnlySpan<char>>();
        private char[] _lower = new char[64];

        public void Count(string text, int document)
        {
            var span = text.AsSpan();
            var i = 0;
            while (i < span.Length)
            {
                if (!char.IsLetter(span[i]))
                {
                    i++;
                    continue;
                }

                var start = i;
                var capital = true;
                while (i < span.Length && char.IsLetter(span[i]))
                {
                    capital &= span[i] is >= 'A' and <= 'Z';
                    i++;
                }

                var length = i - start;
                if (length < 3)
                {
                    continue;
                }

                var word = span.Slice(start, length);
                if (_lower.Length < length)
                {
                    _lower = new char[Math.Max(length, _lower.Length * 2)];
                }

                var lower = _lower.AsSpan(0, length);
                word.ToLowerInvariant(lower);
                Add(_words, lower, document);
                if (capital && length <= 8)
                {
                    Add(_capitals, word, document);
                }
            }
        }

        private static void Add(Dictionary<string, (int Documents, int Last)>.AlternateLookup<ReadOnlySpan<char>> lookup, ReadOnlySpan<char> word, int document)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(lookup, word, out _);
            if (entry.Last != document)
            {
                entry = (entry.Documents + 1, document);
            }
        }
    }

    /// <summary>Optimal string alignment distance, stopped early once every path exceeds <paramref name="max"/>.</summary>
    /// <summary>The set of characters of a word as bits: a-z and 0-9 each their own, others folded into the rest.</summary>
    internal static ulong Letters(string word)
    {
        var mask = 0UL;
        foreach (var c in word)
        {
            var bit = c is >= 'a' and <= 'z' ? c - 'a' : c is >= '0' and <= '9' ? 26 + (c - '0') : 36 + (c % 28);
            mask |= 1UL << bit;
        }

        return mask;
    }

    internal static int EditDistance(string a, string b, int max)
    {
        // Three rows on the stack: this runs for every vocabulary word of about the right length.
        var width = b.Length + 1;
        Span<int> rows = width <= 128 ? stackalloc int[3 * width] : new int[3 * width];
        var previous2 = rows[..width];
        var previous = rows.Slice(width, width);
        var current = rows.Slice(2 * width, width);
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var best = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
                best = Math.Min(best, value);
            }

            if (best > max)
            {
                return max + 1;
            }

            var oldest = previous2;
            previous2 = previous;
            previous = current;
            current = oldest;
        }

        return previous[b.Length];
    }
}
