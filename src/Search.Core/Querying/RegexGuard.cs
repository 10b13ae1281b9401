using System.Globalization;

namespace Search.Core.Querying;

/// <summary>
/// Checks a regular expression (Lucene's <c>RegExp</c> syntax without its optional operators) or a
/// wildcard term before Lucene builds an automaton from it. Lucene 4.8 determinises and minimises
/// with no bound: <c>.{1,100000}</c> overflows the stack and <c>.*a.{20}</c> needs a million states
/// (minutes of CPU, gigabytes). So the text is parsed here (its length bounded first), repetitions
/// are bounded and may not nest, and the automaton is made deterministic by subset construction
/// that stops as soon as it passes <see cref="QueryLimits.MaxRegexStates"/>; Lucene's own
/// construction (the same subsets, then minimised) can only be smaller.
/// </summary>
public static class RegexGuard
{
    private const int MaxCodePoint = 0x10FFFF;

    /// <summary>Refuses <paramref name="regex"/> (the text between the slashes) when it is over a limit or invalid.</summary>
    public static void CheckRegex(string regex, QueryLimits limits)
    {
        ArgumentNullException.ThrowIfNull(regex);
        ArgumentNullException.ThrowIfNull(limits);
        if (regex.Length > limits.MaxRegexLength)
        {
            throw new QueryLimitException($"the regular expression is {regex.Length} characters long; the limit is {limits.MaxRegexLength}", nameof(QueryLimits.MaxRegexLength));
        }

        var node = new Parser(regex, limits).ParseAll();
        CheckStates(node, limits, "regular expression");
    }

    /// <summary>Refuses a wildcard term (<c>*</c> any string, <c>?</c> any character) whose automaton is over the state limit.</summary>
    public static void CheckWildcard(string term, QueryLimits limits)
    {
        ArgumentNullException.ThrowIfNull(term);
        ArgumentNullException.ThrowIfNull(limits);
        var parts = new List<Node>();
        for (var i = 0; i < term.Length; i++)
        {
            var c = term[i];
            parts.Add(c switch
            {
                '*' => new Repeat(Chars.Any, 0, -1),
                '?' => Chars.Any,
                '\\' when i + 1 < term.Length => Chars.Of(term[++i]),
                _ => Chars.Of(c),
            });
        }

        CheckStates(new Concat(parts), limits, "wildcard term");
    }

    private static void CheckStates(Node node, QueryLimits limits, string what)
    {
        var nfa = new Nfa();
        var start = nfa.Build(node);
        var states = nfa.CountDeterministicStates(start, limits.MaxRegexStates);
        if (states > limits.MaxRegexStates)
        {
            throw new QueryLimitException(
                $"the {what} is too complex: its automaton needs more than {limits.MaxRegexStates} states (unbounded or optional repetitions followed by counted ones, such as .*a.{{20}}, multiply them)",
                nameof(QueryLimits.MaxRegexStates));
        }
    }

    private abstract record Node
    {
        /// <summary>NFA states this node expands to (repetitions copied out), to bound the work before building it.</summary>
        public abstract long Size { get; }

        public abstract bool Repeats { get; }
    }

    private sealed record Chars(IReadOnlyList<(int Lo, int Hi)> Ranges) : Node
    {
        public static Chars Any { get; } = new([(0, MaxCodePoint)]);

        public static Chars Of(int c) => new([(c, c)]);

        public override long Size => 2;

        public override bool Repeats => false;
    }

    private sealed record Concat(IReadOnlyList<Node> Parts) : Node
    {
        public override long Size => Parts.Sum(p => p.Size) + 1;

        public override bool Repeats => Parts.Any(p => p.Repeats);
    }

    private sealed record Union(Node Left, Node Right) : Node
    {
        public override long Size => Left.Size + Right.Size + 2;

        public override bool Repeats => Left.Repeats || Right.Repeats;
    }

    /// <summary><paramref name="Max"/> is -1 for unbounded.</summary>
    private sealed record Repeat(Node Inner, int Min, int Max) : Node
    {
        public override long Size => (Inner.Size + 2) * Math.Max(1, Math.Max(Min, Max));

        public override bool Repeats => true;
    }

    /// <summary>Recursive descent over Lucene's grammar (union, concatenation, repetition, class, simple expression); depth is bounded by the length.</summary>
    private sealed class Parser(string text, QueryLimits limits)
    {
        private int _pos;

        public Node ParseAll()
        {
            var node = ParseUnion();
            if (_pos < text.Length)
            {
                throw Invalid($"unexpected '{text[_pos]}'");
            }

            return node;
        }

        private Node ParseUnion()
        {
            var left = ParseConcat();
            return Match('|') ? new Union(left, ParseUnion()) : left;
        }

        private Node ParseConcat()
        {
            var parts = new List<Node> { ParseRepeat() };
            while (_pos < text.Length && text[_pos] is not (')' or '|'))
            {
                parts.Add(ParseRepeat());
            }

            return parts.Count == 1 ? parts[0] : new Concat(parts);
        }

        private Node ParseRepeat()
        {
            var node = ParseClass();
            while (_pos < text.Length && text[_pos] is '?' or '*' or '+' or '{')
            {
                var at = _pos;
                var (min, max) = text[_pos++] switch
                {
                    '?' => (0, 1),
                    '*' => (0, -1),
                    '+' => (1, -1),
                    _ => ParseCounts(),
                };
                if (node.Repeats)
                {
                    throw new QueryLimitException($"the regular expression repeats a repetition at position {at + 1} (nested repetitions such as (a+)+ are not allowed)", nameof(QueryLimits.MaxRegexRepeat));
                }

                node = new Repeat(node, min, max);
            }

            return node;
        }

        private (int Min, int Max) ParseCounts()
        {
            var min = ParseCount();
            var max = min;
            if (Match(','))
            {
                max = _pos < text.Length && char.IsAsciiDigit(text[_pos]) ? ParseCount() : -1;
            }

            if (!Match('}'))
            {
                throw Invalid("'}' expected");
            }

            if (max != -1 && max < min)
            {
                throw Invalid($"the repetition {{{min},{max}}} has its bounds the wrong way round");
            }

            return (min, max);
        }

        private int ParseCount()
        {
            var start = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                _pos++;
            }

            if (start == _pos)
            {
                throw Invalid("a number is expected in the repetition");
            }

            var digits = text.AsSpan(start, _pos - start).TrimStart('0');
            if (digits.Length > 6 || (digits.Length > 0 && int.Parse(digits, CultureInfo.InvariantCulture) > limits.MaxRegexRepeat))
            {
                throw new QueryLimitException($"the repetition count {text[start.._pos]} is over the limit of {limits.MaxRegexRepeat}", nameof(QueryLimits.MaxRegexRepeat));
            }

            return digits.Length == 0 ? 0 : int.Parse(digits, CultureInfo.InvariantCulture);
        }

        private Node ParseClass()
        {
            if (!Match('['))
            {
                return ParseSimple();
            }

            var negate = Match('^');
            var ranges = new List<(int Lo, int Hi)>();
            do
            {
                var lo = ParseChar();
                var hi = lo;
                if (Match('-'))
                {
                    hi = ParseChar();
                    if (hi < lo)
                    {
                        throw Invalid($"the range {char.ConvertFromUtf32(lo)}-{char.ConvertFromUtf32(hi)} is the wrong way round");
                    }
                }

                ranges.Add((lo, hi));
            }
            while (_pos < text.Length && text[_pos] != ']');

            if (!Match(']'))
            {
                throw Invalid("']' expected");
            }

            return new Chars(negate ? Complement(ranges) : ranges);
        }

        private Node ParseSimple()
        {
            if (Match('.'))
            {
                return Chars.Any;
            }

            if (Match('"'))
            {
                var end = text.IndexOf('"', _pos);
                if (end < 0)
                {
                    throw Invalid("'\"' expected");
                }

                var literal = text[_pos..end];
                _pos = end + 1;
                return new Concat(literal.Select(c => (Node)Chars.Of(c)).ToList());
            }

            if (Match('('))
            {
                if (Match(')'))
                {
                    return new Concat([]);
                }

                var inner = ParseUnion();
                if (!Match(')'))
                {
                    throw Invalid("')' expected");
                }

                return inner;
            }

            return Chars.Of(ParseChar());
        }

        private int ParseChar()
        {
            Match('\\');
            if (_pos >= text.Length)
            {
                throw Invalid("the expression ends too early");
            }

            var c = char.IsSurrogatePair(text, _pos) ? char.ConvertToUtf32(text, _pos) : text[_pos];
            _pos += c > 0xFFFF ? 2 : 1;
            return c;
        }

        private bool Match(char c)
        {
            if (_pos < text.Length && text[_pos] == c)
            {
                _pos++;
                return true;
            }

            return false;
        }

        private QueryParseException Invalid(string what) =>
            new($"invalid regular expression /{text}/ at character {_pos + 1}: {what}", 1);

        private static List<(int Lo, int Hi)> Complement(List<(int Lo, int Hi)> ranges)
        {
            var result = new List<(int Lo, int Hi)>();
            var next = 0;
            foreach (var (lo, hi) in ranges.OrderBy(r => r.Lo))
            {
                if (lo > next)
                {
                    result.Add((next, lo - 1));
                }

                next = Math.Max(next, hi + 1);
            }

            if (next <= MaxCodePoint)
            {
                result.Add((next, MaxCodePoint));
            }

            return result;
        }
    }

    /// <summary>A Thompson automaton (epsilon moves and character ranges) and a bounded subset construction over it.</summary>
    private sealed class Nfa
    {
        /// <summary>Most NFA states built: far more than any expression within the length and repetition limits needs.</summary>
        private const long MaxStates = 200_000;

        private readonly List<List<int>> _epsilon = [];
        private readonly List<List<(int Lo, int Hi, int To)>> _moves = [];

        /// <summary>Builds the automaton of <paramref name="node"/>; returns its start state.</summary>
        public int Build(Node node)
        {
            if (node.Size > MaxStates)
            {
                throw new QueryLimitException("the regular expression is too complex (its repetitions expand too far)", nameof(QueryLimits.MaxRegexStates));
            }

            return Add(node).Start;
        }

        private int NewState()
        {
            _epsilon.Add([]);
            _moves.Add([]);
            return _epsilon.Count - 1;
        }

        private (int Start, int End) Add(Node node)
        {
            switch (node)
            {
                case Chars c:
                {
                    var (s, e) = (NewState(), NewState());
                    foreach (var (lo, hi) in c.Ranges)
                    {
                        _moves[s].Add((lo, hi, e));
                    }

                    return (s, e);
                }

                case Concat c:
                {
                    var s = NewState();
                    var e = s;
                    foreach (var part in c.Parts)
                    {
                        var (ps, pe) = Add(part);
                        _epsilon[e].Add(ps);
                        e = pe;
                    }

                    return (s, e);
                }

                case Union u:
                {
                    var (s, e) = (NewState(), NewState());
                    foreach (var branch in new[] { u.Left, u.Right })
                    {
                        var (bs, be) = Add(branch);
                        _epsilon[s].Add(bs);
                        _epsilon[be].Add(e);
                    }

                    return (s, e);
                }

                case Repeat r:
                {
                    var s = NewState();
                    var e = s;
                    for (var i = 0; i < r.Min; i++)
                    {
                        var (ps, pe) = Add(r.Inner);
                        _epsilon[e].Add(ps);
                        e = pe;
                    }

                    if (r.Max == -1)
                    {
                        var (ps, pe) = Add(r.Inner);
                        var end = NewState();
                        _epsilon[e].Add(ps);
                        _epsilon[e].Add(end);
                        _epsilon[pe].Add(ps);
                        _epsilon[pe].Add(end);
                        return (s, end);
                    }

                    var last = NewState();
                    for (var i = r.Min; i < r.Max; i++)
                    {
                        var (ps, pe) = Add(r.Inner);
                        _epsilon[e].Add(ps);
                        _epsilon[e].Add(last);
                        e = pe;
                    }

                    _epsilon[e].Add(last);
                    return (s, last);
                }

                default:
                    throw new InvalidOperationException(node.GetType().Name);
            }
        }

        /// <summary>States of the deterministic automaton (subset construction), counting no further than <paramref name="limit"/> + 1.</summary>
        public int CountDeterministicStates(int start, int limit)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<int[]>();
            var first = Closure([start]);
            seen.Add(Key(first));
            queue.Enqueue(first);
            while (queue.Count > 0)
            {
                var set = queue.Dequeue();
                var moves = set.SelectMany(s => _moves[s]).ToList();
                var bounds = moves.SelectMany(m => new[] { m.Lo, m.Hi + 1 }).Distinct().Order().ToList();
                for (var b = 0; b + 1 < bounds.Count; b++)
                {
                    var c = bounds[b];
                    var targets = moves.Where(m => m.Lo <= c && c <= m.Hi).Select(m => m.To).ToList();
                    if (targets.Count == 0)
                    {
                        continue;
                    }

                    var next = Closure(targets);
                    if (seen.Add(Key(next)))
                    {
                        if (seen.Count > limit)
                        {
                            return seen.Count;
                        }

                        queue.Enqueue(next);
                    }
                }
            }

            return seen.Count;
        }

        private int[] Closure(IEnumerable<int> states)
        {
            var result = new HashSet<int>();
            var stack = new Stack<int>(states);
            while (stack.Count > 0)
            {
                var s = stack.Pop();
                if (result.Add(s))
                {
                    foreach (var t in _epsilon[s])
                    {
                        stack.Push(t);
                    }
                }
            }

            // Only states with moves (and the final state) tell subsets apart.
            return result.Where(s => _moves[s].Count > 0 || _epsilon[s].Count == 0).Order().ToArray();
        }

        private static string Key(int[] set) => string.Join(',', set);
    }
}
