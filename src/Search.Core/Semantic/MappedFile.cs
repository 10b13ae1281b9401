using System.IO.MemoryMappedFiles;

namespace Search.Core.Semantic;

/// <summary>
/// A file mapped read-only into memory: its pages are read by the OS when touched and can be
/// dropped again under memory pressure, so a large file costs resident memory only for the parts
/// read. Hot paths read with <see cref="Read"/> instead (positional reads land in the OS's page cache,
/// not in the process's resident set, which mapped pages join once touched and stay in until the OS
/// needs them back). Released by its finalizer when the last store that reads it is gone (stores are
/// shared by searches and never disposed); the file may be deleted meanwhile (Unix keeps its data).
/// </summary>
internal sealed unsafe class MappedFile
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;

    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle;

    public MappedFile(string path)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Length = stream.Length;
        _file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + _view.PointerOffset;
    }

    public long Length { get; }

    public ReadOnlySpan<float> Floats(long offset, int count) => new(_pointer + offset, count);

    public ReadOnlySpan<byte> Bytes(long offset, int count) => new(_pointer + offset, count);

    /// <summary>Reads <paramref name="into"/>'s length of bytes from <paramref name="offset"/> (a positional read, not through the mapping).</summary>
    public void Read(long offset, Span<byte> into)
    {
        while (!into.IsEmpty)
        {
            var read = RandomAccess.Read(_handle, into, offset);
            if (read == 0)
            {
                throw new EndOfStreamException($"the vector file ends at {offset}");
            }

            into = into[read..];
            offset += read;
        }
    }

    ~MappedFile()
    {
        _handle.Dispose();
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
