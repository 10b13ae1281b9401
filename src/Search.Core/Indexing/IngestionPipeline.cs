using System.Diagnostics;
using System.Security.Cryptography;
using Lucene.Net.Index;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Search.Core.Ingestion;

namespace Search.Core.Indexing;

/// <summary>How an ingestion run may change the index.</summary>
/// <param name="AllowDeletes">Whether the run may empty the index or delete more than half of it (an unmounted share looks like an empty folder).</param>
/// <param name="Wait">How long to wait for another writer (null: the configured wait; zero: fail at once).</param>
public sealed record IngestionRun(bool AllowDeletes = false, TimeSpan? Wait = null);

/// <summary>Ingestion refused before anything was written (an empty folder, or one that would delete most of the index).</summary>
public sealed class IngestionRefusedException(string message) : Exception(message);

/// <summary>
/// Folder in, index out: file → text → metadata → Lucene. Embeddings, and topics from them, are
/// enrichment stages that run after it; when an <see cref="IIngestTagger"/> is given, new documents go
/// in with the text model's topics already, so that the topic stage does not write them a second time. Files whose content hash is unchanged are skipped,
/// changed files are re-indexed, files gone from the folder are removed. A file that cannot be read
/// is reported with its reason and the run goes on; if it was indexed before, its last good version
/// is kept. The whole run holds the writer lock; commits are made every
/// <see cref="SearchOptions.CommitEvery"/> documents or <see cref="SearchOptions.CommitSeconds"/>, and at the end, each atomic, so a crash leaves
/// the last commit readable and a re-run completes the work.
/// </summary>
public sealed partial class IngestionPipeline(
    IEnumerable<IDocumentReader> readers,
    IndexStore store,
    IOptions<SearchOptions> options,
    ILogger<IngestionPipeline> logger,
    IIngestTagger? tagger = null)
{
    /// <summary>Bumped when extraction or the index schema changes (5: Recommendations, boilerplate, one line per block, topics out of ingestion), so that every file is read and indexed again.</summary>
    public const string PipelineVersion = "5";

    public const string RootKey = "root";

    private readonly Dictionary<string, IDocumentReader> _readers = readers
        .SelectMany(r => r.Extensions.Select(e => (e, r)))
        .ToDictionary(p => p.e, p => p.r, StringComparer.OrdinalIgnoreCase);

    /// <summary>Raised after each file, before the next one is read (tests use it to simulate a crash).</summary>
    public event Action<IngestionProgress>? FileProcessed;

    public Task<IngestionReport> IngestAsync(string folder, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken) =>
        IngestAsync(folder, new IngestionRun(), progress, cancellationToken);

    public Task<IngestionReport> IngestAsync(string folder, IngestionRun run, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(run);
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new IngestionRefusedException($"folder not found: {folder} (nothing was changed)");
        }

        using var session = store.OpenSession("ingest", run.Wait, cancellationToken);
        return Task.FromResult(Run(session, root, run, progress, cancellationToken));
    }

    private IngestionReport Run(IndexWriteSession session, string root, IngestionRun run, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var profile = new IngestionProfile();
        var settings = options.Value;
        var writer = session.Writer;
        var existing = ExistingHashes(writer, root);
        var files = EnumerateFiles(root);
        Guard(root, files, existing, run);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var failed = new List<FileProblem>();
        var skipped = new List<FileProblem>();
        int added = 0, updated = 0, unchanged = 0, sinceCommit = 0;
        var sinceCommitClock = Stopwatch.StartNew();

        // Files are read, extracted and tagged in parallel, a batch at a time (bounded memory: a batch holds at
        // most BatchPerCore files a core, and one batch is prepared while the one before is written); the one
        // writer takes the results in folder order.
        var batchSize = Math.Max(1, Environment.ProcessorCount * BatchPerCore);
        var tag = tagger is { IsEnabled: true } ? tagger : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = files.Count == 0 ? null : PrepareBatchAsync(0);
        try
        {
            for (var start = 0; start < files.Count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var waited = Stopwatch.GetTimestamp();
                var outcomes = next!.GetAwaiter().GetResult();
                profile.Add(IngestionProfile.Wait, waited);
                next = start + batchSize < files.Count ? PrepareBatchAsync(start + batchSize) : null;

                for (var k = 0; k < outcomes.Length; k++)
                {
                    var outcome = outcomes[k];
                    switch (outcome.Kind)
                    {
                        case OutcomeKind.Skipped:
                            skipped.Add(new FileProblem(outcome.Relative, outcome.Reason!));
                            break;
                        case OutcomeKind.Failed:
                            seen.Add(outcome.Id);
                            failed.Add(new FileProblem(outcome.Relative, outcome.Reason!));
                            LogFailed(outcome.Relative, outcome.Reason!);
                            break;
                        case OutcomeKind.Legacy:
                            failed.Add(new FileProblem(outcome.Relative, outcome.Reason!));
                            LogFailed(outcome.Relative, outcome.Reason!);
                            break;
                        case OutcomeKind.Unchanged:
                            seen.Add(outcome.Id);
                            unchanged++;
                            break;
                        default:
                            seen.Add(outcome.Id);
                            var isNew = !existing.ContainsKey(outcome.Id);
                            var writing = Stopwatch.GetTimestamp();
                            session.Put(outcome.Document!, outcome.Tagging, isNew);
                            profile.Add(IngestionProfile.Write, writing);
                            if (isNew)
                            {
                                added++;
                            }
                            else
                            {
                                updated++;
                            }

                            // Commits by count or by time (each one syncs to disk), and at the end.
                            if (++sinceCommit >= settings.CommitEvery || sinceCommitClock.Elapsed.TotalSeconds >= settings.CommitSeconds)
                            {
                                var committing = Stopwatch.GetTimestamp();
                                session.Commit(RootData(root));
                                profile.Add(IngestionProfile.Commit, committing);
                                sinceCommit = 0;
                                sinceCommitClock.Restart();
                            }

                            break;
                    }

                    Report(start + k);
                }
            }
        }
        finally
        {
            // A run stopped by an error or a crash test leaves no batch being read behind it.
            stop.Cancel();
            try
            {
                next?.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // That batch was never going to be written.
            }
        }

        var deleted = 0;
        foreach (var id in existing.Keys.Where(id => !seen.Contains(id)))
        {
            session.Delete(id);
            deleted++;
        }

        var finalCommit = Stopwatch.GetTimestamp();
        session.Commit(RootData(root));
        profile.Add(IngestionProfile.Commit, finalCommit);
        var merging = Stopwatch.GetTimestamp();
        if (session.MergeAfterBulkChange(added + updated + deleted, RootData(root)))
        {
            profile.Add(IngestionProfile.Merge, merging);
        }

        clock.Stop();
        var result = new IngestionReport(root, added, updated, unchanged, deleted, failed, skipped, clock.Elapsed) { Profile = profile };
        LogDone(root, added, updated, unchanged, deleted, failed.Count, skipped.Count);
        return result;

        // Reads and extracts the files of one batch on every core, then tags its documents, off the writer's thread.
        Task<FileOutcome[]> PrepareBatchAsync(int first) => Task.Run(() =>
        {
            var outcomes = new FileOutcome[Math.Min(batchSize, files.Count - first)];
            Parallel.For(0, outcomes.Length, new ParallelOptions { CancellationToken = stop.Token }, k =>
                outcomes[k] = Prepare(root, files[first + k], existing, settings.MaxFileBytes, profile, stop.Token));
            return tag is null ? outcomes : Tag(tag, outcomes, profile, stop.Token);
        }, stop.Token);

        void Report(int index)
        {
            var p = new IngestionProgress(index + 1, files.Count, Path.GetRelativePath(root, files[index]), added + updated, failed.Count);
            progress?.Report(p);
            FileProcessed?.Invoke(p);
        }
    }

    /// <summary>Files a core reads in one batch.</summary>
    private const int BatchPerCore = 16;

    private enum OutcomeKind
    {
        Document,
        Unchanged,
        Failed,
        Legacy,
        Skipped,
    }

    /// <summary>What reading one file gave: a document to index, or why there is none.</summary>
    private sealed record FileOutcome(OutcomeKind Kind, string Relative, string Id, IngestedDocument? Document = null, string? Reason = null, TopicTagging? Tagging = null);

    /// <summary>
    /// Tags the documents of a batch, split in one share a core (the classifier is fastest on many
    /// passages at once). A share the tagger fails on goes in untagged: the topic stage takes it later.
    /// </summary>
    private FileOutcome[] Tag(IIngestTagger tag, FileOutcome[] outcomes, IngestionProfile profile, CancellationToken cancellationToken)
    {
        var documents = outcomes.Select((o, i) => (o, i)).Where(x => x.o.Document is not null).ToList();
        var shares = documents.Chunk(Math.Max(1, (documents.Count + Environment.ProcessorCount - 1) / Environment.ProcessorCount)).ToList();
        Parallel.ForEach(shares, new ParallelOptions { CancellationToken = cancellationToken }, share =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var taggings = tag.Tag(share.Select(x => x.o.Document!).ToList());
                for (var j = 0; j < share.Length; j++)
                {
                    outcomes[share[j].i] = share[j].o with { Tagging = taggings[j] };
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                LogUntagged(share.Length, ex.Message);
            }

            profile.Add(IngestionProfile.Topics, started);
        });
        return outcomes;
    }

    /// <summary>Reads and extracts one file (on any thread): everything before the index is written.</summary>
    private FileOutcome Prepare(string root, string path, Dictionary<string, string> existing, long maxBytes, IngestionProfile profile, CancellationToken cancellationToken)
    {
        var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
        var id = IngestedDocument.IdOf(relative);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (!_readers.TryGetValue(extension, out var reader))
        {
            return extension == ".doc"
                ? new FileOutcome(OutcomeKind.Legacy, relative, id, Reason: "legacy binary Word format (.doc) is not supported: save it as .docx")
                : new FileOutcome(OutcomeKind.Skipped, relative, id, Reason: $"unsupported file type '{(extension.Length == 0 ? "(none)" : extension)}'");
        }

        try
        {
            var started = Stopwatch.GetTimestamp();

            // A reader that takes the whole file gets the bytes the hash was computed from: the file is read once.
            var bytes = reader.ReadsBytes ? FileGuards.ReadAllBytesLimited(path, maxBytes) : null;
            var hash = bytes is null ? HashOf(path, maxBytes) : HashOf(bytes);
            started = profile.Add(IngestionProfile.Hash, started);
            if (existing.TryGetValue(id, out var previous) && previous == hash)
            {
                return new FileOutcome(OutcomeKind.Unchanged, relative, id);
            }

            var text = bytes is null ? reader.Read(path, cancellationToken) : reader.Read(bytes, cancellationToken);
            started = profile.Add(IngestionProfile.Read, started);
            var metadata = MetadataExtractor.Extract(text, relative);
            var document = new IngestedDocument(id, relative, extension.TrimStart('.'), hash, metadata, text.FullText) { Boilerplate = text.BoilerplateRanges };
            profile.Add(IngestionProfile.Metadata, started);
            return new FileOutcome(OutcomeKind.Document, relative, id, document);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // One bad file never stops the run: whatever a parser throws on it is that file's problem.
            var reason = ex is DocumentReadException ? ex.Message : $"unreadable ({ex.GetType().Name}): {ex.Message}";
            return new FileOutcome(OutcomeKind.Failed, relative, id, Reason: reason);
        }
    }

    /// <summary>Refuses, before anything is written, a run that would empty the index or delete more than half of it, unless allowed.</summary>
    private void Guard(string root, List<string> files, Dictionary<string, string> existing, IngestionRun run)
    {
        if (run.AllowDeletes)
        {
            return;
        }

        var candidates = files.Count(f => _readers.ContainsKey(Path.GetExtension(f)));
        if (candidates == 0)
        {
            throw new IngestionRefusedException(
                $"the folder {root} holds no .docx, .txt or .pdf file (an unmounted share looks like this); nothing was changed. Pass --allow-deletes to empty the index ({existing.Count} documents)");
        }

        var kept = files.Select(f => IngestedDocument.IdOf(Path.GetRelativePath(root, f).Replace('\\', '/'))).Count(existing.ContainsKey);
        var deletes = existing.Count - kept;
        if (existing.Count > 0 && deletes * 2 > existing.Count)
        {
            throw new IngestionRefusedException(
                $"ingesting {root} would delete {deletes} of the {existing.Count} indexed documents (they are not in that folder); nothing was changed. Pass --allow-deletes if that is meant");
        }
    }

    private static Dictionary<string, string> RootData(string root) => new()
    {
        [RootKey] = root,
        ["ingestedAt"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Content hash of a file plus the pipeline version; a file over the size limit is refused before hashing.</summary>
    private static string HashOf(string path, long maxBytes)
    {
        FileGuards.CheckSize(new FileInfo(path).Length, maxBytes);
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream)) + ":" + PipelineVersion;
    }

    /// <summary>The same hash of a file's bytes, already read.</summary>
    private static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes)) + ":" + PipelineVersion;

    /// <summary>Ids and hashes already indexed; an index built from another folder counts as empty for this one.</summary>
    private static Dictionary<string, string> ExistingHashes(IndexWriter writer, string root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = DirectoryReader.Open(writer, applyAllDeletes: true);
        var sameRoot = reader.MaxDoc == 0
            || !writer.CommitData.TryGetValue(RootKey, out var previousRoot)
            || previousRoot == root;
        foreach (var (_, key, value) in LiveDocuments.IdsAndHashes(reader))
        {
            if (key is not null)
            {
                // From another folder: keep the id so it is deleted, but never match its hash.
                result[key] = sameRoot ? value ?? string.Empty : string.Empty;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} documents go in without topics for now (the topic stage tags them): {Reason}")]
    private partial void LogUntagged(int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Root}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Deleted} deleted, {Failed} failed, {Skipped} skipped")]
    private partial void LogDone(string root, int added, int updated, int unchanged, int deleted, int failed, int skipped);
}
