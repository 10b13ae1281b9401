using System.Diagnostics;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Microsoft.Extensions.Logging;
using Search.Core.Indexing;
using Search.Core.Ingestion;

namespace Search.Core.Classification;

/// <summary>Where re-tagging with the refined topic model stands (for /healthz and the CLI).</summary>
public sealed record TopicRefinementStatus(bool Enabled, string State, int Documents, int Refined, string? Model, string? Error = null)
{
    public bool Ready => Enabled && State == "ready";
}

/// <summary>Progress of a refinement run: documents re-tagged of those to do.</summary>
public sealed record TopicRefinementProgress(int Done, int Total);

/// <summary>
/// Re-tags indexed documents with the topic model that also reads sentence embeddings (see
/// <see cref="TopicClassifier"/>): trains it on first use, then takes the documents a text-only model
/// tagged, reads their files again as ingestion read them (same passages), embeds the passages
/// (cached) and writes their new topics, with the users' overrides applied again, a batch at a time.
/// A file that changed or went since it was indexed, or a document indexed again meanwhile, is left
/// to the next ingestion; the index stays searchable all along, with text-model topics until a
/// document is refined.
/// </summary>
public sealed partial class TopicRefiner(IndexStore store, IngestionPipeline pipeline, TopicClassifier classifier, TopicOverrides overrides, ILogger<TopicRefiner> logger) : IDisposable
{
    private const int BatchSize = 16;
    private readonly SemaphoreSlim _running = new(1, 1);
    private volatile string _state = "waiting";
    private volatile string? _error;

    /// <summary>The documents' state: how many carry the refined model's topics.</summary>
    public TopicRefinementStatus Status()
    {
        if (!classifier.RefinesWithEmbeddings)
        {
            return new TopicRefinementStatus(false, "off", 0, 0, null);
        }

        var (total, pending) = Count();
        var state = _state is "training" or "refining" or "failed" ? _state : pending == 0 ? "ready" : "waiting";
        return new TopicRefinementStatus(true, state, total, total - pending, classifier.RefinedModelName, _error);
    }

    /// <summary>Re-tags every document not yet tagged by the refined model; returns how many it re-tagged.</summary>
    public async Task<int> RefineAsync(IProgress<TopicRefinementProgress>? progress, CancellationToken cancellationToken)
    {
        if (!classifier.RefinesWithEmbeddings)
        {
            return 0;
        }

        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _error = null;
            _state = "training";
            var refined = await Task.Run(() => classifier.RefinedModel(train: true), cancellationToken).ConfigureAwait(false);
            if (refined is null)
            {
                _state = "off";
                return 0;
            }

            _state = "refining";
            var pending = Pending();
            var clock = Stopwatch.StartNew();
            var done = 0;
            progress?.Report(new TopicRefinementProgress(0, pending.Count));
            foreach (var batch in pending.Chunk(BatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tagged = await Task.Run(() => batch.Select(p => (p.Id, p.Hash, Tagging: Tag(p, cancellationToken))).ToList(), cancellationToken).ConfigureAwait(false);
                done += Write(tagged, cancellationToken);
                progress?.Report(new TopicRefinementProgress(Math.Min(done, pending.Count), pending.Count));
            }

            _state = "ready";
            LogRefined(done, pending.Count, clock.Elapsed.TotalSeconds, classifier.RefinedModelName);
            return done;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or TopicModelException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            _state = "failed";
            _error = ex.Message;
            LogFailed(ex.Message);
            throw;
        }
        finally
        {
            if (_state is "training" or "refining")
            {
                _state = "waiting"; // cancelled: the next run goes on from where this one stopped
            }

            _running.Release();
        }
    }

    private sealed record PendingDocument(string Id, string Hash, string Path);

    private TopicTagging? Tag(PendingDocument document, CancellationToken cancellationToken) =>
        pipeline.ReadIndexed(document.Path, document.Hash, cancellationToken) is { } text
            ? classifier.TagRefined(PassageSplitter.Split(text))
            : null;

    private List<PendingDocument> Pending()
    {
        var model = classifier.RefinedModelName;
        using var lease = store.Lease();
        return LiveDocuments.Read(lease.Searcher.IndexReader, new HashSet<string> { IndexFields.Id, IndexFields.Hash, IndexFields.Path, IndexFields.TopicsBy })
            .Select(d => d.Stored)
            .Where(d => d.Get(IndexFields.TopicsBy) != model)
            .Select(d => new PendingDocument(d.Get(IndexFields.Id) ?? string.Empty, d.Get(IndexFields.Hash) ?? string.Empty, d.Get(IndexFields.Path) ?? string.Empty))
            .ToList();
    }

    /// <summary>Counts per index version: /healthz is polled, and reading every document's field each time would not scale.</summary>
    private volatile Counted? _counted;

    private sealed record Counted(long Version, int Total, int Pending);

    private (int Total, int Pending) Count()
    {
        var model = classifier.RefinedModelName;
        using var lease = store.Lease();
        var reader = lease.Searcher.IndexReader;
        var version = ((DirectoryReader)reader).Version;
        if (_counted is { } c && c.Version == version)
        {
            return (c.Total, c.Pending);
        }

        int total = 0, pending = 0;
        foreach (var (_, stored) in LiveDocuments.Read(reader, new HashSet<string> { IndexFields.TopicsBy }))
        {
            total++;
            pending += stored.Get(IndexFields.TopicsBy) == model ? 0 : 1;
        }

        _counted = new Counted(version, total, pending);
        return (total, pending);
    }

    /// <summary>Writes the new topics of the documents still as they were read (same hash, not yet refined), with overrides applied.</summary>
    private int Write(List<(string Id, string Hash, TopicTagging? Tagging)> tagged, CancellationToken cancellationToken) =>
        store.Write(writer =>
        {
            var written = 0;
            using (var lease = store.Lease())
            {
                foreach (var (id, hash, tagging) in tagged)
                {
                    if (tagging is null)
                    {
                        continue;
                    }

                    var hits = lease.Searcher.Search(new TermQuery(new Term(IndexFields.Id, id)), 1);
                    if (hits.TotalHits == 0)
                    {
                        continue; // deleted meanwhile
                    }

                    var stored = lease.Searcher.Doc(hits.ScoreDocs[0].Doc);
                    if (stored.Get(IndexFields.Hash) != hash)
                    {
                        continue; // ingested again meanwhile: the next run takes it
                    }

                    var document = DocumentMapper.FromLucene(stored);
                    writer.UpdateDocument(new Term(IndexFields.Id, id), DocumentMapper.ToLucene(document, tagging.Topics, overrides.Apply(id, tagging.Topics), tagging.Model));
                    written++;
                }
            }

            writer.Commit();
            return written;
        }, cancellationToken);

    public void Dispose() => _running.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Topics refined with {Model}: {Done} of {Total} documents re-tagged in {Seconds:0.0} s")]
    private partial void LogRefined(int done, int total, double seconds, string model);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refining topics with embeddings failed: {Reason}; documents keep their text-model topics")]
    private partial void LogFailed(string reason);
}
