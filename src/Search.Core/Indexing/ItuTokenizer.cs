using System.Text.RegularExpressions;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Search.Core.Ingestion;

namespace Search.Core.Indexing;

/// <summary>
/// Splits text into words and whole ITU identifiers. An identifier is emitted once, in canonical
/// lower case, typed <see cref="IdentifierType"/> and marked as a keyword so that no later filter
/// stems or splits it: <c>Q15/11</c> → <c>q15/11</c>, <c>X.1205</c> → <c>x.1205</c>,
/// <c>SG17-LS269</c> → <c>sg17-ls269</c>, and <c>SG 17</c>, <c>SG17</c>, <c>Study Group 17</c> → <c>sg17</c>.
/// With <c>stackShortForms</c> (index time) a full document number also yields its short forms at
/// the same position (<c>sg13-td329-r1/wp3</c> + <c>sg13-td329</c> + <c>td329</c>), so a search
/// for <c>TD329</c> finds the document that writes the number in full.
/// </summary>
public sealed partial class ItuTokenizer : Tokenizer
{
    public const string IdentifierType = "<ID>";
    public const string WordType = "<WORD>";

    private readonly bool _stackShortForms;
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _position;
    private readonly ITypeAttribute _type;
    private readonly IKeywordAttribute _keyword;
    private readonly Queue<(string Text, int Start, int End, bool Identifier, int Increment)> _pending = new();
    private readonly bool _plainWords;
    private string _text = string.Empty;
    private int _cursor;
    private int _finalOffset;
    private int _wordStart;
    private int _wordEnd = -1;

    public ItuTokenizer(TextReader input, bool stackShortForms)
        : this(input, stackShortForms, plainWords: true)
    {
    }

    /// <param name="plainWords">
    /// Whether a chunk of letters only (most of prose) goes straight to the term, without the substrings
    /// and the queue an identifier needs. The tokens are the same either way; false is kept for the test
    /// that proves it.
    /// </param>
    internal ItuTokenizer(TextReader input, bool stackShortForms, bool plainWords)
        : base(input)
    {
        _stackShortForms = stackShortForms;
        _plainWords = plainWords;
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
        _type = AddAttribute<ITypeAttribute>();
        _keyword = AddAttribute<IKeywordAttribute>();
    }

    // Identifier forms, tried on a whole chunk (a run of letters, digits and . / - _ between spaces).
    [GeneratedRegex(@"^(?:SG\d{1,2}|TSAG)-(?:C|TD|LS|R)\d{1,5}(?:-R\d{1,2})?(?:[/-](?:WP\d|GEN|PLEN|P))?(?:_att\d{1,2})?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DocumentChunk();

    [GeneratedRegex(@"^Q\.?\d{1,2}/\d{1,2}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QuestionChunk();

    [GeneratedRegex(@"^SG(?<n>\d{1,2})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex GroupChunk();

    [GeneratedRegex(@"^[A-Z]\.(?:Sup\.?\d{1,3}|\d{1,4}(?:\.\d{1,3})?|[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RecommendationChunk();

    [GeneratedRegex(@"^(?:C|TD|LS)\d{1,5}(?:-R\d{1,2})?(?:/(?:WP\d|GEN|PLEN|P))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShortChunk();

    [GeneratedRegex(@"^[A-Z]{2,5}-\d{2,4}$", RegexOptions.CultureInvariant)]
    private static partial Regex AssemblyChunk();

    [GeneratedRegex(@"^\d{1,2}/\d{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex BareQuestion();

    private enum Kind
    {
        Word,
        Document,
        Question,
        Group,
        Recommendation,
        Short,
        Assembly,
    }

    public override bool IncrementToken()
    {
        ClearAttributes();
        while (_pending.Count == 0)
        {
            _wordEnd = -1;
            if (!Advance())
            {
                return false;
            }

            if (_wordEnd >= 0)
            {
                // A plain word: copied from the text into the term's buffer.
                var length = _wordEnd - _wordStart;
                var buffer = _term.ResizeBuffer(length);
                _text.CopyTo(_wordStart, buffer, 0, length);
                _term.Length = length;
                _offset.SetOffset(CorrectOffset(_wordStart), CorrectOffset(_wordEnd));
                _position.PositionIncrement = 1;
                _type.Type = WordType;
                _keyword.IsKeyword = false;
                return true;
            }
        }

        var (text, start, end, identifier, increment) = _pending.Dequeue();
        _term.SetEmpty().Append(text);
        _offset.SetOffset(CorrectOffset(start), CorrectOffset(end));
        _position.PositionIncrement = increment;
        _type.Type = identifier ? IdentifierType : WordType;
        _keyword.IsKeyword = identifier;
        return true;
    }

    private static bool IsChunkChar(char c) => char.IsLetterOrDigit(c) || c is '.' or '/' or '-' or '_' or '\'' or '’';

    /// <summary>Scans the next chunk and queues its tokens; false at the end of the text.</summary>
    private bool Advance()
    {
        var text = _text;
        var i = _cursor;
        while (i < text.Length && !char.IsLetterOrDigit(text[i]))
        {
            i++;
        }

        if (i >= text.Length)
        {
            _cursor = i;
            return false;
        }

        var start = i;
        while (i < text.Length && IsChunkChar(text[i]))
        {
            i++;
        }

        // Trailing punctuation and a possessive are not part of the chunk.
        var end = i;
        while (end > start && !char.IsLetterOrDigit(text[end - 1]))
        {
            end--;
        }

        // Letters only, and none of the words that start a multi-word identifier ("SG 17", "Study Group 17",
        // "Question 15/11"): a word as it stands, one token (what the steps below would make of it, without
        // their substrings).
        if (_plainWords && IsPlainWord(text, start, end))
        {
            _cursor = end;
            _wordStart = start;
            _wordEnd = end;
            return true;
        }

        var possessive = end - start > 2 && (text[end - 2] is '\'' or '’') && text[end - 1] is 's' or 'S';
        var coreEnd = possessive ? end - 2 : end;
        _cursor = end;
        var chunk = text[start..coreEnd];

        if (TryMultiword(chunk, start, coreEnd))
        {
            return true;
        }

        var kind = Classify(chunk);
        if (kind != Kind.Word)
        {
            EnqueueIdentifier(kind, chunk, start, coreEnd);
            return true;
        }

        // Not one identifier: identifiers joined by '/' (G.709/Y.1331), else plain words.
        if (chunk.Contains('/', StringComparison.Ordinal) && !BareQuestion().IsMatch(chunk))
        {
            var offset = start;
            foreach (var part in chunk.Split('/'))
            {
                var partKind = Classify(part);
                if (partKind != Kind.Word)
                {
                    EnqueueIdentifier(partKind, part, offset, offset + part.Length);
                }
                else
                {
                    EnqueueWords(part, offset);
                }

                offset += part.Length + 1;
            }

            return true;
        }

        EnqueueWords(text[start..end], start);
        return true;
    }

    private static bool IsPlainWord(string text, int start, int end)
    {
        for (var k = start; k < end; k++)
        {
            if (!char.IsLetter(text[k]))
            {
                return false;
            }
        }

        var word = text.AsSpan(start, end - start);
        return !(word.Equals("SG", StringComparison.OrdinalIgnoreCase)
            || word.Equals("Study", StringComparison.OrdinalIgnoreCase)
            || word.Equals("Question", StringComparison.OrdinalIgnoreCase)
            || word.Equals("Questions", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>"SG 17", "Study Group 17", "Question 15/11" and "Questions 15/11": one identifier over several words.</summary>
    private bool TryMultiword(string chunk, int start, int end)
    {
        if (chunk.Length > 9 || !char.IsLetter(chunk[0]))
        {
            return false;
        }

        int next;
        if (chunk.Equals("SG", StringComparison.OrdinalIgnoreCase))
        {
            next = SkipSpaces(end);
            var digits = Digits(next, 2);
            if (digits > 0 && !FollowedByChunkChar(next + digits))
            {
                Enqueue("sg" + int.Parse(_text.AsSpan(next, digits), System.Globalization.CultureInfo.InvariantCulture), start, next + digits);
                _cursor = next + digits;
                return true;
            }

            return false;
        }

        if (chunk.Equals("Study", StringComparison.OrdinalIgnoreCase))
        {
            next = SkipSpaces(end);
            if (next + 5 <= _text.Length && _text.AsSpan(next, 5).Equals("Group", StringComparison.OrdinalIgnoreCase) && (next + 5 == _text.Length || _text[next + 5] is ' ' or '\t' or '\n' or '\u00A0'))
            {
                var number = SkipSpaces(next + 5);
                var digits = Digits(number, 2);
                if (digits > 0 && !FollowedByChunkChar(number + digits))
                {
                    Enqueue("sg" + int.Parse(_text.AsSpan(number, digits), System.Globalization.CultureInfo.InvariantCulture), start, number + digits);
                    _cursor = number + digits;
                    return true;
                }
            }

            return false;
        }

        if (chunk.Equals("Question", StringComparison.OrdinalIgnoreCase) || chunk.Equals("Questions", StringComparison.OrdinalIgnoreCase))
        {
            next = SkipSpaces(end);
            var stop = next;
            while (stop < _text.Length && (char.IsDigit(_text[stop]) || _text[stop] == '/'))
            {
                stop++;
            }

            if (stop > next && BareQuestion().IsMatch(_text.AsSpan(next, stop - next)) && !FollowedByChunkChar(stop))
            {
                Enqueue(ItuIdentifiers.QuestionsInField(_text[next..stop]).First().ToLowerInvariant(), start, stop);
                _cursor = stop;
                return true;
            }
        }

        return false;
    }

    private int SkipSpaces(int index)
    {
        while (index < _text.Length && _text[index] is ' ' or '\u00A0')
        {
            index++;
        }

        return index;
    }

    private int Digits(int index, int max)
    {
        var count = 0;
        while (index + count < _text.Length && count <= max && char.IsDigit(_text[index + count]))
        {
            count++;
        }

        return count > max ? 0 : count;
    }

    private bool FollowedByChunkChar(int index) =>
        index < _text.Length && (char.IsLetterOrDigit(_text[index]) || (_text[index] is '/' or '-' && index + 1 < _text.Length && char.IsLetterOrDigit(_text[index + 1])));

    private static Kind Classify(string chunk)
    {
        var provisional = chunk.Length > 3 && chunk[1] == '.' && chunk.Contains('-', StringComparison.Ordinal);
        if (chunk.Length < 2 || !(provisional || chunk.Any(char.IsDigit)))
        {
            return Kind.Word;
        }

        return DocumentChunk().IsMatch(chunk) ? Kind.Document
            : QuestionChunk().IsMatch(chunk) ? Kind.Question
            : GroupChunk().IsMatch(chunk) ? Kind.Group
            : RecommendationChunk().IsMatch(chunk) ? Kind.Recommendation
            : ShortChunk().IsMatch(chunk) ? Kind.Short
            : AssemblyChunk().IsMatch(chunk) ? Kind.Assembly
            : Kind.Word;
    }

    private void EnqueueIdentifier(Kind kind, string chunk, int start, int end)
    {
        var first = true;
        foreach (var form in Forms(kind, chunk))
        {
            _pending.Enqueue((form, start, end, true, first ? 1 : 0));
            first = false;
        }
    }

    private void Enqueue(string token, int start, int end) => _pending.Enqueue((token, start, end, true, 1));

    /// <summary>Letters and digits runs of a chunk that is not an identifier; apostrophes stay inside words.</summary>
    private void EnqueueWords(string chunk, int offset)
    {
        var i = 0;
        while (i < chunk.Length)
        {
            while (i < chunk.Length && !char.IsLetterOrDigit(chunk[i]))
            {
                i++;
            }

            var s = i;
            while (i < chunk.Length && (char.IsLetterOrDigit(chunk[i]) || (chunk[i] is '\'' or '’' && i + 1 < chunk.Length && char.IsLetter(chunk[i + 1]) && i > s)))
            {
                i++;
            }

            if (i > s)
            {
                _pending.Enqueue((chunk[s..i], offset + s, offset + i, false, 1));
            }
        }
    }

    private IEnumerable<string> Forms(Kind kind, string chunk)
    {
        switch (kind)
        {
            case Kind.Document:
                var full = ItuIdentifiers.DocumentNumbers(chunk.ToUpperInvariant()).First();
                yield return full.ToLowerInvariant();
                if (_stackShortForms)
                {
                    var dash = full.IndexOf('-', StringComparison.Ordinal);
                    var shortForm = full[(dash + 1)..];
                    var bare = Regex.Replace(shortForm, @"(-R\d+)?(/\w+)?(_att\d+)?$", string.Empty);
                    var groupAndBare = full[..(dash + 1)] + bare;
                    foreach (var form in new[] { groupAndBare, shortForm, bare }.Distinct().Where(f => f != full))
                    {
                        yield return form.ToLowerInvariant();
                    }
                }

                break;
            case Kind.Question:
                yield return ItuIdentifiers.QuestionsInField(chunk.ToUpperInvariant()).First().ToLowerInvariant();
                break;
            case Kind.Group:
                yield return "sg" + int.Parse(GroupChunk().Match(chunk).Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
                break;
            case Kind.Recommendation:
                var rec = ItuIdentifiers.Recommendation().Match(char.ToUpperInvariant(chunk[0]) + chunk[1..]);
                yield return (rec.Success ? ItuIdentifiers.NormalizeRecommendation(rec) : chunk).ToLowerInvariant();
                break;
            case Kind.Short:
                yield return ItuIdentifiers.NormalizeShortNumber(ItuIdentifiers.ShortDocumentNumber().Match(chunk.ToUpperInvariant())).ToLowerInvariant();
                break;
            default:
                yield return chunk.ToLowerInvariant();
                break;
        }
    }

    public override void End()
    {
        base.End();
        _offset.SetOffset(_finalOffset, _finalOffset);
    }

    public override void Reset()
    {
        base.Reset();
        _text = m_input.ReadToEnd();
        _finalOffset = CorrectOffset(_text.Length);
        _cursor = 0;
        _pending.Clear();
    }
}
