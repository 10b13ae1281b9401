using System.Diagnostics;
using System.Security.Cryptography;
using Lucene.Net.Index;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Search.Core.Classification;
using Search.Core.Indexing;

namespace Search.Core.Ingestion;

/// <summary>
/// Folder in, index out. Files whose content hash is unchanged are skipped, changed files are
/// re-indexed, files gone from the folder are removed. A file that cannot be read is reported with
/// its reason and the run goes on; if it was indexed before, its last good version is kept.
/// Commits are made every <see cref="SearchOptions.CommitEvery"/> documents and at the end; each
/// commit is atomic, so a crash leaves the last commit readable and a re-run completes the work.
/// </summary>
public sealed partial class IngestionPipeline(
    IEnumerable<IDocumentReader> readers,
    IndexStore store,
    TopicClassifier classifier,
    TopicOverrides overrides,
    IOptions<SearchOptions> options,
    ILogger<IngestionPipeline> logger)
{
    /// <summary>Bumped when extraction or the index schema changes (4: body term vectors; 5: Recommendations, boilerplate), so that every file is read and indexed again.</summary>
    public const string PipelineVersion = "5";

    public const string RootKey = "root";

    private readonly Dictionary<string, IDocumentReader> _readers = readers
        .SelectMany(r => r.Extensions.Select(e => (e, r)))
        .ToDictionary(p => p.e, p => p.r, StringComparer.OrdinalIgnoreCase);

    /// <summary>Raised after each file, before the next one is read (tests use it to simulate a crash).</summary>
    public event Action<IngestionProgress>? FileProcessed;

    public Task<IngestionReport> IngestAsync(string folder, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"folder not found: {folder}");
        }

        var report = store.Write(writer => Run(writer, root, progress, cancellationToken), cancellationToken);
        return Task.FromResult(report);
    }

    private IngestionReport Run(IndexWriter writer, string root, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var settings = options.Value;
        var existing = ExistingHashes(writer, root);
        var version = $"{PipelineVersion}/{classifier.Fingerprint}";
        var files = EnumerateFiles(root);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var failed = new List<FileProblem>();
        var skipped = new List<FileProblem>();
        int added = 0, updated = 0, unchanged = 0, sinceCommit = 0;

        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = files[i];
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var id = IngestedDocument.IdOf(relative);
            var extension = Path.GetExtension(path).ToLowerInvariant();

            if (!_readers.TryGetValue(extension, out var reader))
            {
                if (extension == ".doc")
                {
                    failed.Add(new FileProblem(relative, "legacy binary Word format (.doc) is not supported: save it as .docx"));
                    LogFailed(relative, failed[^1].Reason);
                }
                else
                {
                    skipped.Add(new FileProblem(relative, $"unsupported file type '{(extension.Length == 0 ? "(none)" : extension)}'"));
                }

                Report(i);
                continue;
            }

            seen.Add(id);
            try
            {
                var hash = HashOf(path, settings.MaxFileBytes, version);
                if (existing.TryGetValue(id, out var previous) && previous == hash)
                {
                    unchanged++;
                    Report(i);
                    continue;
                }

                var text = reader.Read(path, cancellationToken);
                var metadata = MetadataExtractor.Extract(text, relative);
                var document = new IngestedDocument(id, relative, extension.TrimStart('.'), hash, metadata, text.FullText) { Boilerplate = text.BoilerplateRanges };
                var tagging = classifier.IsEnabled ? classifier.TagForIngestion(text) : null;
                var modelTopics = tagging?.Topics ?? [];
                writer.UpdateDocument(new Term(IndexFields.Id, id), DocumentMapper.ToLucene(document, modelTopics, overrides.Apply(id, modelTopics), tagging?.Model));
                if (existing.ContainsKey(id))
                {
                    updated++;
                }
                else
                {
                    added++;
                }

                if (++sinceCommit >= settings.CommitEvery)
                {
                    writer.Commit();
                    sinceCommit = 0;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // One bad file never stops the run: whatever a parser throws on it is that file's problem.
                var reason = ex is DocumentReadException ? ex.Message : $"unreadable ({ex.GetType().Name}): {ex.Message}";
                failed.Add(new FileProblem(relative, reason));
                LogFailed(relative, reason);
            }

            Report(i);
        }

        var deleted = 0;
        foreach (var id in existing.Keys.Where(id => !seen.Contains(id)))
        {
            writer.DeleteDocuments(new Term(IndexFields.Id, id));
            deleted++;
        }

        // Other keys of the commit data (the vector file of the semantic index) are kept.
        writer.SetCommitData(new Dictionary<string, string>(writer.CommitData)
        {
            [RootKey] = root,
            ["ingestedAt"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        });
        writer.Commit();
        clock.Stop();
        var result = new IngestionReport(root, added, updated, unchanged, deleted, failed, skipped, clock.Elapsed);
        LogDone(root, added, updated, unchanged, deleted, failed.Count, skipped.Count);
        return result;

        void Report(int index)
        {
            var p = new IngestionProgress(index + 1, files.Count, Path.GetRelativePath(root, files[index]), added + updated, failed.Count);
            progress?.Report(p);
            FileProcessed?.Invoke(p);
        }
    }

    /// <summary>Content hash of a file plus the pipeline and model versions; a file over the size limit is refused before hashing.</summary>
    /// <summary>
    /// An indexed file read again as ingestion read it (to re-tag it), or null when it is gone,
    /// unreadable or no longer the content indexed under <paramref name="hash"/>: the next ingestion takes it.
    /// </summary>
    public ExtractedText? ReadIndexed(string relativePath, string hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        if (!store.CommitData().TryGetValue(RootKey, out var root))
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(root, relativePath));
        if (!path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || !_readers.TryGetValue(Path.GetExtension(path).ToLowerInvariant(), out var reader)
            || !File.Exists(path))
        {
            return null;
        }

        try
        {
            return HashOf(path, options.Value.MaxFileBytes, $"{PipelineVersion}/{classifier.Fingerprint}") == hash ? reader.Read(path, cancellationToken) : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return null; // ingestion reports it
        }
    }

    private static string HashOf(string path, long maxBytes, string version)
    {
        FileGuards.CheckSize(new FileInfo(path).Length, maxBytes);
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream)) + ":" + version;
    }

    /// <summary>Ids and hashes already indexed; an index built from another folder counts as empty for this one.</summary>
    private static Dictionary<string, string> ExistingHashes(IndexWriter writer, string root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = DirectoryReader.Open(writer, applyAllDeletes: true);
        var sameRoot = reader.MaxDoc == 0
            || !((DirectoryReader)reader).IndexCommit.UserData.TryGetValue(RootKey, out var previousRoot)
            || previousRoot == root;
        foreach (var (_, stored) in LiveDocuments.Read(reader, new HashSet<string> { IndexFields.Id, IndexFields.Hash }))
        {
            var id = stored.Get(IndexFields.Id);
            if (id is not null)
            {
                // From another folder: keep the id so it is deleted, but never match its hash.
                result[id] = sameRoot ? stored.Get(IndexFields.Hash) ?? string.Empty : string.Empty;
            }
        }

        return result;
    }

    private static List<string> EnumerateFiles(string root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
            IgnoreInaccessible = true,
        };
        return Directory.EnumerateFiles(root, "*", options)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && !Path.GetFileName(f).StartsWith("~$", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not indexed: {Path}: {Reason}")]
    private partial void LogFailed(string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Root}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Deleted} deleted, {Failed} failed, {Skipped} skipped")]
    private partial void LogDone(string root, int added, int updated, int unchanged, int deleted, int failed, int skipped);
}
