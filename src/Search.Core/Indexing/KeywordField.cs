using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;

namespace Search.Core.Indexing;

/// <summary>
/// An id or a facet value indexed as one term, exactly as a <see cref="StringField"/> (same field
/// type, same term, offsets and position), but through one token stream a thread reuses. A
/// <see cref="StringField"/> made for each document builds a new token stream each time, and Lucene.Net
/// finds each of its attributes' classes under a global lock: with a dozen such fields a document, that
/// was about a tenth of the writer's time.
/// </summary>
public sealed class KeywordField(string name, string value, Field.Store stored)
    : Field(name, value, stored == Field.Store.YES ? StringField.TYPE_STORED : StringField.TYPE_NOT_STORED)
{
    [ThreadStatic]
    private static SingleTokenStream? t_stream;

    /// <summary>The thread's stream, set to this value: the writer consumes a field's stream before it asks for the next field's.</summary>
    public override TokenStream GetTokenStream(Analyzer analyzer)
    {
        var stream = t_stream ??= new SingleTokenStream();
        stream.Value = GetStringValue() ?? throw new InvalidOperationException($"field '{Name}' has no value");
        return stream;
    }

    /// <summary>One token, the whole value, as Lucene's own stream for untokenized fields gives it.</summary>
    private sealed class SingleTokenStream : TokenStream
    {
        private readonly ICharTermAttribute _term;
        private readonly IOffsetAttribute _offset;
        private bool _used;

        public SingleTokenStream()
        {
            _term = AddAttribute<ICharTermAttribute>();
            _offset = AddAttribute<IOffsetAttribute>();
        }

        public string Value { get; set; } = string.Empty;

        public override bool IncrementToken()
        {
            if (_used)
            {
                return false;
            }

            ClearAttributes();
            _term.Append(Value);
            _offset.SetOffset(0, Value.Length);
            _used = true;
            return true;
        }

        public override void End()
        {
            base.End();
            _offset.SetOffset(Value.Length, Value.Length);
        }

        public override void Reset()
        {
            base.Reset();
            _used = false;
        }
    }
}
