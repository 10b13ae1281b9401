using System.Buffers;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace Search.Core.Classification;

/// <summary>
/// The text model's probabilities computed directly, without ML.NET's per-row prediction engines (whose
/// getters, buffers and one engine per topic cost more than the arithmetic): the same steps as the saved
/// <c>FeaturizeText</c> (<see cref="TopicModel.FeaturizerOptions"/>) and the same calibrated regressions,
/// with the n-gram dictionaries, weights and calibration read out of the trained transformers.
/// <list type="number">
/// <item>Normalise each character as ML.NET's text normaliser does (lower case, diacritics and punctuation
/// removed): the map is taken from that normaliser itself, one character at a time, when the model loads.</item>
/// <item>Split on spaces, drop ML.NET's English stop words (its own list).</item>
/// <item>Count word 1- and 2-grams, and character 4-grams of the words joined by the unit separator between a
/// start and an end marker, that have a slot in the featurizer's output (slot names say which n-gram).</item>
/// <item>Scale the character part and the word part each to unit length (L2), then per topic:
/// <c>1 / (1 + exp(slope · (bias + w·x) + offset))</c>.</item>
/// </list>
/// <see cref="TryCreate"/> gives null for a model of another shape (say one that reads embeddings), which
/// then goes through the engines. Tests compare every passage of the bundled corpus with ML.NET's output.
/// </summary>
internal sealed class TextTopicScorer
{
    private const string CharPrefix = "Char.";
    private const string WordPrefix = "Word.";
    private const char StartMarker = '\u0002';
    private const char EndMarker = '\u0003';
    private const char UnitSeparator = '\u001f';
    private const int CharGram = 4;
    private const int StopWord = -2;

    [ThreadStatic]
    private static float[]? _scratch;

    private static readonly Lazy<int[]?> DefaultNormalisation = new(() => NormalisationMap(new MLContext(seed: TopicTrainer.Seed)));

    /// <summary>For each UTF-16 code unit, what the normaliser makes of it: a code unit, or -1 when it is removed.</summary>
    private readonly int[] _normalise;

    /// <summary>
    /// The model's words (their ids) and the stop words (<see cref="StopWord"/>) in one table, looked up once
    /// per word: the stop-word remover lower-cases a word before it looks it up, which changes nothing on the
    /// normaliser's output (<see cref="TryCreate"/> checks that).
    /// </summary>
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _tokens;

    /// <summary>The unigram slot of each word id (-1 when the word only occurs in bigrams).</summary>
    private readonly int[] _unigramSlots;
    private readonly SlotTable _bigramSlots;
    private readonly SlotTable _charSlots;
    private readonly int _dimensions;
    private readonly float[][] _weights;
    private readonly float[] _biases;
    private readonly double[] _slopes;
    private readonly double[] _offsets;

    private TextTopicScorer(int[] normalise, IEnumerable<string> stopWords, Dictionary<string, int> words, int[] unigramSlots, Dictionary<ulong, int> bigramSlots, Dictionary<ulong, int> charSlots, int dimensions, float[][] weights, float[] biases, double[] slopes, double[] offsets)
    {
        _normalise = normalise;
        var tokens = new Dictionary<string, int>(words, StringComparer.Ordinal);
        foreach (var word in stopWords)
        {
            tokens[word] = StopWord; // removed before the words are looked up
        }

        _tokens = tokens.GetAlternateLookup<ReadOnlySpan<char>>();
        _unigramSlots = unigramSlots;
        _bigramSlots = new SlotTable(bigramSlots);
        _charSlots = new SlotTable(charSlots);
        _dimensions = dimensions;
        _weights = weights;
        _biases = biases;
        _slopes = slopes;
        _offsets = offsets;
    }

    /// <summary>The number of topics scored (columns of <see cref="Score"/>).</summary>
    public int Topics => _weights.Length;

    /// <summary>
    /// Reads a text-only model (featurizer over a text column, calibrated linear regressions); null when the
    /// model is of another shape, so that the caller keeps ML.NET's engines.
    /// </summary>
    public static TextTopicScorer? TryCreate(ITransformer featurizer, DataViewSchema inputSchema, IReadOnlyList<ITransformer> topics)
    {
        ArgumentNullException.ThrowIfNull(featurizer);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(topics);
        var normalise = DefaultNormalisation.Value;
        var stopWords = StopWords();
        if (normalise is null || stopWords is null || normalise.Any(c => c >= 0 && char.ToLowerInvariant((char)c) != c))
        {
            return null;
        }

        var column = featurizer.GetOutputSchema(inputSchema).GetColumnOrNull("Features");
        if (column is not { Type: VectorDataViewType { Size: > 0 } vector } features || vector.ItemType != NumberDataViewType.Single || !features.HasSlotNames())
        {
            return null;
        }

        var names = default(VBuffer<ReadOnlyMemory<char>>);
        features.GetSlotNames(ref names);
        var dimensions = vector.Size;
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        var unigrams = new List<int>();
        var bigrams = new Dictionary<ulong, int>();
        var chars = new Dictionary<ulong, int>();
        var slot = 0;
        foreach (var name in names.DenseValues())
        {
            var text = name.ToString();
            if (text.StartsWith(CharPrefix, StringComparison.Ordinal))
            {
                if (CharGramKey(text.AsSpan(CharPrefix.Length)) is not { } key || !chars.TryAdd(key, slot))
                {
                    return null;
                }
            }
            else if (text.StartsWith(WordPrefix, StringComparison.Ordinal))
            {
                var parts = text[WordPrefix.Length..].Split('|');
                if (parts.Length is < 1 or > 2 || parts.Any(p => p.Length == 0))
                {
                    return null;
                }

                if (parts.Length == 1)
                {
                    var id = WordId(parts[0]);
                    if (unigrams[id] >= 0)
                    {
                        return null;
                    }

                    unigrams[id] = slot;
                }
                else if (!bigrams.TryAdd(((ulong)(uint)WordId(parts[0]) << 32) | (uint)WordId(parts[1]), slot))
                {
                    return null;
                }
            }
            else
            {
                return null;
            }

            slot++;
        }

        // A '|' in a training word would make the slot names ambiguous: then there is a character 4-gram with it.
        if (slot != dimensions || chars.Keys.Any(k => Enumerable.Range(0, CharGram).Any(i => (char)(k >> (16 * i)) == '|')))
        {
            return null;
        }

        var weights = new float[topics.Count][];
        var biases = new float[topics.Count];
        var slopes = new double[topics.Count];
        var offsets = new double[topics.Count];
        for (var t = 0; t < topics.Count; t++)
        {
            if (topics[t] is not ISingleFeaturePredictionTransformer<object> { Model: CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator> model }
                || model.SubModel.Weights.Count != dimensions)
            {
                return null;
            }

            weights[t] = [.. model.SubModel.Weights];
            biases[t] = model.SubModel.Bias;
            slopes[t] = model.Calibrator.Slope;
            offsets[t] = model.Calibrator.Offset;
        }

        return new TextTopicScorer(normalise, stopWords, words, [.. unigrams], bigrams, chars, dimensions, weights, biases, slopes, offsets);

        int WordId(string word)
        {
            if (!words.TryGetValue(word, out var id))
            {
                id = words.Count;
                words.Add(word, id);
                unigrams.Add(-1);
            }

            return id;
        }
    }

    /// <summary>Writes each topic's probability for <paramref name="text"/> into row <paramref name="row"/> of <paramref name="columns"/>.</summary>
    public void Score(string text, float[][] columns, int row)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(columns);
        var normalised = ArrayPool<char>.Shared.Rent(text.Length);

        // Words after stop-word removal, as (start, length) in the normalised text, and as ids (-1: no word of the model).
        var tokens = ArrayPool<(int Start, int Length, int Id)>.Shared.Rent((text.Length / 2) + 1);
        // The feature vector, all zeros between calls (a shared pool's arrays are not): a thread's own, as a passage is scored on one thread.
        var values = _scratch ??= new float[_dimensions];
        if (values.Length < _dimensions)
        {
            values = _scratch = new float[_dimensions];
        }

        var touched = new List<int>(64);
        try
        {
            var length = Normalise(text, normalised);
            var count = Tokenise(normalised.AsSpan(0, length), tokens);
            var charSquares = CountCharGrams(normalised, tokens.AsSpan(0, count), values, touched);
            var charSlots = touched.Count;
            var wordSquares = CountWordGrams(tokens.AsSpan(0, count), values, touched);

            // Each part to unit length (ML.NET's LpNorm on the character features, then on the word features).
            Scale(values, touched, 0, charSlots, charSquares);
            Scale(values, touched, charSlots, touched.Count, wordSquares);
            for (var t = 0; t < _weights.Length; t++)
            {
                var weights = _weights[t];
                var score = 0f;
                foreach (var s in touched)
                {
                    score += weights[s] * values[s];
                }

                columns[t][row] = (float)(1 / (1 + Math.Exp((_slopes[t] * (score + _biases[t])) + _offsets[t])));
            }
        }
        finally
        {
            foreach (var s in touched)
            {
                values[s] = 0;
            }

            ArrayPool<(int, int, int)>.Shared.Return(tokens);
            ArrayPool<char>.Shared.Return(normalised);
        }
    }

    private int Normalise(string text, char[] into)
    {
        var length = 0;
        foreach (var c in text)
        {
            var mapped = _normalise[c];
            if (mapped >= 0)
            {
                into[length++] = (char)mapped;
            }
        }

        return length;
    }

    private int Tokenise(ReadOnlySpan<char> text, (int Start, int Length, int Id)[] tokens)
    {
        var count = 0;
        var start = 0;
        while (start < text.Length)
        {
            var end = text[start..].IndexOf(' ');
            end = end < 0 ? text.Length : start + end;
            if (end > start)
            {
                var word = text[start..end];
                var id = _tokens.TryGetValue(word, out var found) ? found : -1;
                if (id != StopWord)
                {
                    tokens[count++] = (start, end - start, id);
                }
            }

            start = end + 1;
        }

        return count;
    }

    /// <summary>Counts the character 4-grams of the words, joined by the unit separator between a start and an end marker; returns the sum of squared counts.</summary>
    private float CountCharGrams(char[] text, ReadOnlySpan<(int Start, int Length, int Id)> tokens, float[] values, List<int> touched)
    {
        // The sliding window holds the last four characters of the stream, oldest in the high bits; the
        // first three characters make no 4-gram yet.
        var window = (ulong)StartMarker;
        var seen = 1;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (i > 0)
            {
                window = (window << 16) | UnitSeparator;
                Look(window, ++seen, values, touched);
            }

            foreach (var c in text.AsSpan(tokens[i].Start, tokens[i].Length))
            {
                window = (window << 16) | c;
                Look(window, ++seen, values, touched);
            }
        }

        window = (window << 16) | EndMarker;
        Look(window, ++seen, values, touched);
        var squares = 0f;
        foreach (var s in touched)
        {
            squares += values[s] * values[s];
        }

        return squares;
    }

    private void Look(ulong window, int seen, float[] values, List<int> touched)
    {
        if (seen >= CharGram && _charSlots.Find(window) is var slot and >= 0)
        {
            Count(slot, values, touched);
        }
    }

    /// <summary>Counts the word 1- and 2-grams; returns the sum of squared counts.</summary>
    private float CountWordGrams(ReadOnlySpan<(int Start, int Length, int Id)> tokens, float[] values, List<int> touched)
    {
        var first = touched.Count;
        for (var i = 0; i < tokens.Length; i++)
        {
            var id = tokens[i].Id;
            if (id < 0)
            {
                continue;
            }

            if (_unigramSlots[id] >= 0)
            {
                Count(_unigramSlots[id], values, touched);
            }

            if (i + 1 < tokens.Length && tokens[i + 1].Id >= 0 && _bigramSlots.Find(((ulong)(uint)id << 32) | (uint)tokens[i + 1].Id) is var slot and >= 0)
            {
                Count(slot, values, touched);
            }
        }

        var squares = 0f;
        for (var k = first; k < touched.Count; k++)
        {
            squares += values[touched[k]] * values[touched[k]];
        }

        return squares;
    }

    private static void Count(int slot, float[] values, List<int> touched)
    {
        if (values[slot] == 0)
        {
            touched.Add(slot);
        }

        values[slot]++;
    }

    private static void Scale(float[] values, List<int> touched, int from, int to, float squares)
    {
        if (squares <= 0)
        {
            return;
        }

        var scale = 1 / MathF.Sqrt(squares);
        for (var k = from; k < to; k++)
        {
            values[touched[k]] *= scale;
        }
    }

    /// <summary>The key of a character n-gram slot name (<c>a|b|c|d</c>, control characters as their pictures, <c>&lt;␂&gt;</c>), or null for one this scorer does not read.</summary>
    private static ulong? CharGramKey(ReadOnlySpan<char> name)
    {
        ulong key = 0;
        var parts = 0;
        foreach (var range in name.Split('|'))
        {
            var part = name[range];
            char c;
            if (part.Length == 1 && part[0] > 0x20)
            {
                c = part[0];
            }
            else if (part.Length == 3 && part[0] == '<' && part[2] == '>' && part[1] is >= '\u2400' and <= '\u2420')
            {
                c = (char)(part[1] - '\u2400');
            }
            else
            {
                return null;
            }

            key = (key << 16) | c;
            parts++;
        }

        return parts == CharGram ? key : null;
    }

    /// <summary>
    /// What ML.NET's text normaliser, with the featurizer's settings, makes of every UTF-16 code unit, read
    /// from the normaliser itself (it maps one character at a time): null if it ever gives more than one.
    /// </summary>
    private static int[]? NormalisationMap(MLContext ml)
    {
        var options = TopicModel.FeaturizerOptions();
        var rows = Enumerable.Range(0, char.MaxValue + 1).Select(c => new TopicModel.TextRow { Text = ((char)c).ToString() }).ToList();
        var normaliser = ml.Transforms.Text.NormalizeText("Normalised", nameof(TopicModel.TextRow.Text), options.CaseMode, options.KeepDiacritics, options.KeepPunctuations, options.KeepNumbers);
        var data = ml.Data.LoadFromEnumerable(rows);
        var output = normaliser.Fit(data).Transform(data).GetColumn<ReadOnlyMemory<char>>("Normalised").ToArray();
        var map = new int[char.MaxValue + 1];
        for (var c = 0; c < map.Length; c++)
        {
            var span = output[c].Span;
            if (span.Length > 1)
            {
                return null;
            }

            map[c] = span.Length == 0 ? -1 : span[0];
        }

        return map;
    }

    /// <summary>ML.NET's English stop words (the list its stop-word remover reads), or null when the list is not where this version keeps it.</summary>
    private static HashSet<string>? StopWords()
    {
        var assembly = typeof(StopWordsRemovingEstimator).Assembly;
        var name = $"{assembly.GetName().Name}.Text.StopWords.{nameof(StopWordsRemovingEstimator.Language.English)}.txt";
        using var stream = assembly.GetManifestResourceStream(name);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                words.Add(line);
            }
        }

        return words;
    }

    /// <summary>
    /// Slots by 64-bit key (a character 4-gram, a pair of word ids): open addressing in an array a quarter to a half full,
    /// so that a lookup, made for every character of every passage, is mostly one multiplication and one probe.
    /// </summary>
    private sealed class SlotTable
    {
        /// <summary>Key and slot side by side: a probe reads one cache line.</summary>
        private readonly (ulong Key, int Slot)[] _entries;
        private readonly int _shift;

        public SlotTable(Dictionary<ulong, int> slots)
        {
            var bits = Math.Max(4, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(1, slots.Count) * 2));
            _shift = 64 - bits;
            _entries = new (ulong, int)[1 << bits];
            Array.Fill(_entries, (0UL, -1));
            var mask = _entries.Length - 1;
            foreach (var (key, slot) in slots)
            {
                var i = Home(key);
                while (_entries[i].Slot >= 0)
                {
                    i = (i + 1) & mask;
                }

                _entries[i] = (key, slot);
            }
        }

        /// <summary>The slot of <paramref name="key"/>, or -1.</summary>
        public int Find(ulong key)
        {
            var mask = _entries.Length - 1;
            for (var i = Home(key); ; i = (i + 1) & mask)
            {
                ref readonly var entry = ref _entries[i];
                if (entry.Slot < 0 || entry.Key == key)
                {
                    return entry.Slot;
                }
            }
        }

        private int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
    }
}
