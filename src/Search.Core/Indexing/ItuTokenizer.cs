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
    private string _text = string.Empty;
    private Match? _match;
    private int _finalOffset;

    public ItuTokenizer(TextReader input, bool stackShortForms)
        : base(input)
    {
        _stackShortForms = stackShortForms;
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
        _type = AddAttribute<ITypeAttribute>();
        _keyword = AddAttribute<IKeywordAttribute>();
    }

    // Order matters: the first alternative that matches at a position wins.
    [GeneratedRegex(
        @"(?<doc>(?<![\w/.-])(?:SG\s?\d{1,2}|TSAG)-(?:C|TD|LS|R)\s?\d{1,5}(?:-R\d{1,2})?(?:[/-](?:WP\d|GEN|PLEN|P)(?!\w))?(?:_att\d{1,2})?(?!\w))"
        + @"|(?<question>(?<![\w/])(?:Q\.?\s?|Questions?\s+)\d{1,2}/\d{1,2}(?![\w/]))"
        + @"|(?<sg>(?<![\w-])(?:SG\s?\d{1,2}|Study\s+Group\s+\d{1,2})(?![\d]|s\b))"
        + @"|(?<rec>(?<![\w.])[A-Z]\.(?:Sup\.?\s?\d{1,3}|\d{1,4}(?:\.\d{1,3})?(?!\d)|[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+))"
        + @"|(?<short>(?<![\w/.-])(?:C|TD|LS)\s?\d{1,5}(?:-R\d{1,2})?(?:/(?:WP\d|GEN|PLEN|P)\b)?(?![\w.-]*\w))"
        + @"|(?<assembly>(?<![\w-])[A-Z]{2,5}-\d{2,4}(?![\w-]))"
        + @"|(?<word>[\p{L}\p{N}]+(?:['’][\p{L}]+)*)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();

    public override bool IncrementToken()
    {
        ClearAttributes();
        if (_pending.Count == 0 && !Advance())
        {
            return false;
        }

        var (text, start, end, identifier, increment) = _pending.Dequeue();
        _term.SetEmpty().Append(text);
        _offset.SetOffset(CorrectOffset(start), CorrectOffset(end));
        _position.PositionIncrement = increment;
        _type.Type = identifier ? IdentifierType : WordType;
        _keyword.IsKeyword = identifier;
        return true;
    }

    private bool Advance()
    {
        _match = _match is null ? TokenPattern().Match(_text) : _match.NextMatch();
        if (!_match.Success)
        {
            return false;
        }

        var m = _match;
        var start = m.Index;
        var end = m.Index + m.Length;
        if (m.Groups["word"].Success)
        {
            _pending.Enqueue((m.Value, start, end, false, 1));
            return true;
        }

        foreach (var (form, index) in Forms(m).Select((f, i) => (f, i)))
        {
            _pending.Enqueue((form, start, end, true, index == 0 ? 1 : 0));
        }

        return true;
    }

    private IEnumerable<string> Forms(Match m)
    {
        if (m.Groups["doc"].Success)
        {
            var full = ItuIdentifiers.DocumentNumbers(m.Value).First();
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
        }
        else if (m.Groups["question"].Success)
        {
            yield return ItuIdentifiers.QuestionsInField(m.Value).First().ToLowerInvariant();
        }
        else if (m.Groups["sg"].Success)
        {
            yield return "sg" + int.Parse(Regex.Match(m.Value, @"\d+").Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (m.Groups["rec"].Success)
        {
            var rec = ItuIdentifiers.Recommendation().Match(char.ToUpperInvariant(m.Value[0]) + m.Value[1..]);
            yield return (rec.Success ? ItuIdentifiers.NormalizeRecommendation(rec) : m.Value).Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        }
        else if (m.Groups["short"].Success)
        {
            yield return ItuIdentifiers.NormalizeShortNumber(ItuIdentifiers.ShortDocumentNumber().Match(m.Value.ToUpperInvariant())).ToLowerInvariant();
        }
        else
        {
            yield return m.Value.ToLowerInvariant();
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
        _match = null;
        _pending.Clear();
    }
}
