using System.IO.Compression;

namespace Search.Core.Ingestion;

/// <summary>Checks made before any parser sees a file: size, and how far compressed content expands.</summary>
public static class FileGuards
{
    /// <summary>Reads a whole file, refusing one larger than <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadAllBytesLimited(string path, long maxBytes)
    {
        // One open handle gives the size and the bytes: no second look-up of the path (lstat and geteuid a
        // file, of the thousands a load reads).
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(handle);
        CheckSize(length, maxBytes);
        var bytes = new byte[length];
        var read = 0;
        while (read < bytes.Length)
        {
            var n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
            if (n == 0)
            {
                return bytes[..read]; // the file shrank meanwhile
            }

            read += n;
        }

        return bytes;
    }

    public static void CheckSize(long length, long maxBytes)
    {
        if (length == 0)
        {
            throw new DocumentReadException("empty file");
        }

        if (length > maxBytes)
        {
            throw new DocumentReadException($"file too large ({Megabytes(length)} MB; the limit is {Megabytes(maxBytes)} MB)");
        }
    }

    /// <summary>
    /// Decompresses a stream into nothing, counting bytes, and stops as soon as the count passes
    /// <paramref name="limit"/>: the declared sizes in a zip or PDF can lie, the inflated bytes cannot.
    /// </summary>
    public static long CountInflated(Stream compressed, long limit, Func<long, string> describeOverflow)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        ArgumentNullException.ThrowIfNull(describeOverflow);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = compressed.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new DocumentReadException(describeOverflow(limit));
            }
        }

        return total;
    }

    public static string Megabytes(long bytes) =>
        (bytes / 1024d / 1024d).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True when the bytes start like an OLE compound file (legacy .doc, or an encrypted Office file).</summary>
    public static bool IsCompoundFile(ReadOnlySpan<byte> head) =>
        head.Length >= 8 && head[0] == 0xD0 && head[1] == 0xCF && head[2] == 0x11 && head[3] == 0xE0
        && head[4] == 0xA1 && head[5] == 0xB1 && head[6] == 0x1A && head[7] == 0xE1;

    /// <summary>Inflates a zlib/deflate stream fully into memory, within a limit.</summary>
    internal static long CountZlib(ReadOnlySpan<byte> data, long limit, Func<long, string> describeOverflow)
    {
        using var input = new MemoryStream(data.ToArray(), writable: false);
        using var z = new ZLibStream(input, CompressionMode.Decompress);
        return CountInflated(z, limit, describeOverflow);
    }
}
