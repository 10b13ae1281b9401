namespace Search.Core.Ingestion;

/// <summary>A read-only stream that fails with a <see cref="DocumentReadException"/> once more than a limit has been read.</summary>
internal sealed class LimitedStream(Stream inner, long limit, Func<long, string> describeOverflow) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        BytesRead += read;
        if (BytesRead > limit)
        {
            throw new DocumentReadException(describeOverflow(limit));
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
