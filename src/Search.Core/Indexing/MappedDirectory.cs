using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Lucene.Net.Store;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Search.Core.Indexing;

/// <summary>
/// A file-system directory whose inputs read each file through one read-only memory mapping, straight
/// from the mapped bytes. Lucene.NET's <see cref="MMapDirectory"/> reads through J2N byte buffers (a
/// virtual call and bounds checks per byte) and registers every clone of an input in a weak table, so
/// that a read after close fails: a postings enum, a stored document and a term vector each clone an
/// input, a search at 100,000 documents makes hundreds, and every registration is a dependent handle
/// that each garbage collection scans. Here a clone is a copy of four fields. A mapping is released by
/// its finalizer once no input that reads it is reachable, so no read can outlive it (a file deleted
/// meanwhile keeps its data on Unix until then). Writing is <see cref="FSDirectory"/>'s.
/// </summary>
public sealed class MappedDirectory(DirectoryInfo path) : FSDirectory(path, null)
{
    public MappedDirectory(string path)
        : this(new DirectoryInfo(path))
    {
    }

    public override IndexInput OpenInput(string name, IOContext context)
    {
        EnsureOpen();
        var file = System.IO.Path.Combine(Directory.FullName, name);
        var mapping = Mapping.Open(file);
        return new MappedInput($"MappedInput(path=\"{file}\")", mapping, 0, mapping.Length);
    }

    public override LuceneDirectory.IndexInputSlicer CreateSlicer(string name, IOContext context) =>
        new Slicer((MappedInput)OpenInput(name, context));

    /// <summary>Slices of a compound file: inputs over parts of its mapping.</summary>
    private sealed class Slicer(MappedInput full) : LuceneDirectory.IndexInputSlicer
    {
        public override IndexInput OpenSlice(string sliceDescription, long offset, long length) => full.Slice(sliceDescription, offset, length);

        [Obsolete("Only for reading CFS files from 3.x indexes.")]
        public override IndexInput OpenFullSlice() => (IndexInput)full.Clone();

        protected override void Dispose(bool disposing)
        {
            // The mapping goes with the last input that reads it.
        }
    }
}

/// <summary>
/// One file mapped read-only; unmapped by the finalizer when no input reads it any more. A file that
/// is mapped already is not mapped again: every writer session and every reader opened on an index
/// opens each of its segment files, and a process that writes often (topics a batch at a time) would
/// otherwise map them anew each time until the finalizers ran, past the kernel's limit on mappings
/// (vm.max_map_count, 65,530: then every allocation fails and .NET reports "Out of memory"). A file is
/// known by its device and inode (Linux), which stay its own while a mapping holds it, so a file
/// deleted and written again under the same name (a segment name reused after a rollback) is a new
/// file. Where the inode cannot be read, every input maps its file, as before.
/// </summary>
internal sealed unsafe class Mapping
{
    private static readonly Dictionary<(ulong Device, ulong Inode), WeakReference<Mapping>> Shared = [];
    private static int _live;
    private static long _lastCollection;

    /// <summary>Above this many live mappings, a full collection is induced (at most every 10 s) to run the finalizers of those no input reads.</summary>
    internal const int CollectAbove = 16_384;

    internal static int Live => Volatile.Read(ref _live);

    private (ulong Device, ulong Inode)? _identity;

    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;

    private Mapping(MemoryMappedFile? file, MemoryMappedViewAccessor? view, byte* pointer, long length)
    {
        _file = file;
        _view = view;
        Pointer = pointer;
        Length = length;
    }

    public byte* Pointer { get; }

    public long Length { get; }

    public static Mapping Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        try
        {
            var length = stream.Length;
            if (length == 0)
            {
                return new Mapping(null, null, null, 0); // nothing to map (a mapping of no bytes is refused)
            }

            var identity = FileIdentity.Of(stream.SafeFileHandle);
            if (identity is { } key)
            {
                lock (Shared)
                {
                    if (Shared.TryGetValue(key, out var weak) && weak.TryGetTarget(out var mapped) && mapped.Length == length)
                    {
                        return mapped;
                    }
                }
            }

            var mapping = Map(stream, length);
            stream = null; // the mapping owns it now
            MaybeCollect();
            if (identity is { } id)
            {
                mapping._identity = id;
                lock (Shared)
                {
                    Shared[id] = new WeakReference<Mapping>(mapping); // its finalizer removes the entry
                }
            }

            return mapping;
        }
        finally
        {
            stream?.Dispose();
        }
    }

    private static Mapping Map(FileStream stream, long length)
    {
        var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        try
        {
            var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            Interlocked.Increment(ref _live);
            return new Mapping(file, view, pointer + view.PointerOffset, length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Mappings of files no input reads any more (segments merged away, readers closed) are released by
    /// their finalizers, which run only after a collection that reaches them: with many mappings alive,
    /// one is induced, so that a process writing often cannot run out of mappings between collections.
    /// </summary>
    private static void MaybeCollect()
    {
        if (Live < CollectAbove)
        {
            return;
        }

        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastCollection);
        if (now - last < 10_000 || Interlocked.CompareExchange(ref _lastCollection, now, last) != last)
        {
            return;
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
    }

    ~Mapping()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            Interlocked.Decrement(ref _live);
        }

        _file?.Dispose();
        if (_identity is { } id)
        {
            lock (Shared)
            {
                // Only this mapping's entry: a newer mapping of the same file may have replaced it.
                if (Shared.TryGetValue(id, out var weak) && !weak.TryGetTarget(out _))
                {
                    Shared.Remove(id);
                }
            }
        }
    }
}

/// <summary>A file's device and inode, read from an open handle (Linux statx); null elsewhere or when the call fails.</summary>
internal static unsafe partial class FileIdentity
{
    private const int AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;
    private static bool _unavailable = !OperatingSystem.IsLinux();

    public static (ulong Device, ulong Inode)? Of(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        if (_unavailable)
        {
            return null;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var buffer = stackalloc byte[256]; // struct statx: the same layout on every architecture
            if (Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxIno, buffer) != 0 || (*(uint*)buffer & StatxIno) == 0)
            {
                return null;
            }

            var inode = *(ulong*)(buffer + 32);
            var device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
            return (device, inode);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true; // a C library without statx: every input maps its file
            return null;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}

/// <summary>An input over a mapped file or a slice of one: a position and bounds over the mapped bytes.</summary>
internal sealed unsafe class MappedInput : IndexInput
{
    private readonly Mapping _mapping;
    private readonly byte* _start;
    private readonly long _length;
    private long _position;

    public MappedInput(string description, Mapping mapping, long offset, long length)
        : base(description)
    {
        _mapping = mapping;
        _start = mapping.Pointer + offset;
        _length = length;
    }

    /// <summary>The mapping this input reads (for tests: whether two inputs share one).</summary>
    internal object Source => _mapping;

    public override long Length => _length;

    public override long Position => _position;

    public override void Seek(long pos)
    {
        if (pos < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pos), $"seeking to a negative position: {this}");
        }

        if (pos > _length)
        {
            throw new EndOfStreamException($"seek past EOF ({pos} of {_length}): {this}");
        }

        _position = pos;
    }

    public override byte ReadByte()
    {
        if (_position >= _length)
        {
            throw new EndOfStreamException($"read past EOF: {this}");
        }

        var b = _start[_position++];
        GC.KeepAlive(_mapping);
        return b;
    }

    public override void ReadBytes(byte[] b, int offset, int len)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (len < 0 || len > _length - _position)
        {
            throw new EndOfStreamException($"read past EOF ({len} bytes at {_position} of {_length}): {this}");
        }

        new ReadOnlySpan<byte>(_start + _position, len).CopyTo(b.AsSpan(offset, len));
        _position += len;
        GC.KeepAlive(_mapping);
    }

    public override short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(sizeof(short)));

    public override int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(sizeof(int)));

    public override long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(sizeof(long)));

    /// <summary>The next <paramref name="count"/> bytes, read.</summary>
    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _length - _position)
        {
            throw new EndOfStreamException($"read past EOF ({count} bytes at {_position} of {_length}): {this}");
        }

        var span = new ReadOnlySpan<byte>(_start + _position, count);
        _position += count;
        GC.KeepAlive(_mapping);
        return span;
    }

    /// <summary>A slice of this input's bytes, positioned at its start.</summary>
    public MappedInput Slice(string description, long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > _length)
        {
            throw new ArgumentException($"slice {description} ({offset}, {length}) is out of bounds: {this}");
        }

        return new MappedInput($"{description} in {this}", _mapping, (_start - _mapping.Pointer) + offset, length);
    }

    public override object Clone() => MemberwiseClone();

    protected override void Dispose(bool disposing)
    {
        // The mapping is released by its finalizer once no input reads it: a clone may still be reading.
    }
}
