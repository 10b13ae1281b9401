using System.Diagnostics;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Microsoft.Extensions.Logging;
using Search.Core.Indexing;
using Search.Core.Semantic;

namespace Search.Core.Classification;

/// <summary>Where topic tagging stands: how many documents carry the topics of the best model they can have.</summary>
public sealed record TopicStatus(bool Enabled, string State, int Documents, int Tagged, int TaggedWithEmbeddings, string? Model, string? Error = null)
{
    public bool Ready => Enabled && State == "ready";
}

/// <summary>Progress of a tagging run: documents tagged of those to do.</summary>
public sealed record TopicProgress(int Done, int Total);

/// <summary>
/// The topic stage: runs after ingestion and after the embedding stage, reads the index and writes
/// through the one write path (<see cref="IndexWriteSession.Put"/>, which applies the users'
/// overrides). Each document is tagged by the best model it can have: the model with embeddings when
/// the semantic index holds vectors for its current content (its passages and vectors are then taken
/// from there, so nothing is cut or embedded twice), the text model otherwise (passages cut from the
/// stored text by the same <see cref="Passages.Cut"/>). No file is read again. A document already
/// tagged by that model (same trained model) is left alone, so a run after another is cheap.
/// </summary>
public sealed partial class TopicTagger(IndexStore store, TopicClassifier classifier, ILogger<TopicTagger> logger, SemanticIndex? semantic = null) : IDisposable, IIngestTagger
{
    /// <summary>True when there is a text model to tag new documents with while they are ingested.</summary>
    public bool IsEnabled => classifier.IsEnabled;

    /// <summary>
    /// Tags documents being ingested with the text model, from the same passages the topic stage would
    /// cut from their stored title and text (<see cref="SemanticIndex.PassagesOf"/>), so that stage finds
    /// them done; the model with embeddings takes them later, once they are embedded.
    /// </summary>
    public IReadOnlyList<TopicTagging?> Tag(IReadOnlyList<Ingestion.IngestedDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var passages = documents
            .Select(d => ((IReadOnlyList<string>)Passages.Cut(DocumentMapper.TitleOf(d), DocumentMapper.ContentLines(d.Text, d.Boilerplate)).Select(p => p.Text).ToList(), (IReadOnlyList<float[]>?)null))
            .ToList();
        return classifier.TagMany(passages, refined: null);
    }

    private const int BatchSize = 256;
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly System.Threading.Lock _lock = new();
    private volatile string _state = "waiting";
    private volatile string? _error;
    private (long Generation, string Vectors, TopicStatus Status)? _counted;

    /// <summary>How many documents carry their best tagging (computed once per commit).</summary>
    public TopicStatus Status()
    {
        if (!store.Options.TopicsEnabled || !classifier.IsEnabled)
        {
            return new TopicStatus(false, "off", 0, 0, 0, null);
        }

        using var lease = store.Lease();
        var vectorsName = lease.CommitData.TryGetValue(SemanticIndex.VectorsKey, out var n) ? n : string.Empty;
        TopicStatus counted;
        lock (_lock)
        {
            counted = _counted is { } c && c.Generation == lease.Generation && c.Vectors == vectorsName ? c.Status : Count(lease, vectorsName);
        }

        // With embeddings on, a document is done once the model with embeddings tagged it (its vectors come later than its text).
        var pending = classifier.RefinesWithEmbeddings ? counted.Documents - counted.TaggedWithEmbeddings : counted.Documents - counted.Tagged;
        var state = _state is "training" or "tagging" or "merging" or "failed" ? _state : pending == 0 ? "ready" : "waiting";
        return counted with { State = state, Error = _error };
    }

    private TopicStatus Count(SearcherLease lease, string vectorsName) =>
        Counted(lease, vectorsName, Plan(lease, refined: classifier.RefinesWithEmbeddings ? classifier.RefinedModel(train: false) : null));

    /// <summary>The status a plan shows, kept for its commit (reading every document's stored fields costs seconds on a large index).</summary>
    private TopicStatus Counted(SearcherLease lease, string vectorsName, Work work)
    {
        var status = new TopicStatus(true, "waiting", work.Documents, work.Documents - work.Pending.Count, work.TaggedWithEmbeddings,
            classifier.RefinesWithEmbeddings ? classifier.RefinedModelName : TopicClassifier.TextModelName);
        _counted = (lease.Generation, vectorsName, status);
        return status;
    }

    /// <summary>
    /// Tags every document not yet tagged by the best model it can have; returns how many it tagged.
    /// With <paramref name="train"/>, the model with embeddings is trained first when missing (that
    /// embeds the training passages once); without, only a saved one is used.
    /// </summary>
    public async Task<int> TagPendingAsync(bool train, IProgress<TopicProgress>? progress, CancellationToken cancellationToken)
    {
        if (!classifier.IsEnabled)
        {
            return 0;
        }

        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _error = null;
            TopicModel? refined = null;
            if (classifier.RefinesWithEmbeddings)
            {
                _state = "training";
                refined = await Task.Run(() => classifier.RefinedModel(train), cancellationToken).ConfigureAwait(false);
            }

            _state = "tagging";

            // The plan's searcher is held through the run: each batch reads its documents' passages (and
            // vectors) from it when it comes, so memory holds one batch, not every document left to tag.
            using var lease = store.Lease();
            var work = Plan(lease, refined);
            if (work.Pending.Count == 0 && refined == (classifier.RefinesWithEmbeddings ? classifier.RefinedModel(train: false) : null))
            {
                // Nothing to write, so this commit's status is known: Status() need not read every document again.
                lock (_lock)
                {
                    Counted(lease, lease.CommitData.TryGetValue(SemanticIndex.VectorsKey, out var n) ? n : string.Empty, work);
                }
            }

            var clock = Stopwatch.StartNew();
            var done = 0;
            progress?.Report(new TopicProgress(0, work.Pending.Count));
            foreach (var batch in work.Pending.Chunk(BatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var taggings = await Task.Run(() => classifier.TagMany(batch.Select(p => Load(lease, work.Vectors, p)).ToList(), refined), cancellationToken).ConfigureAwait(false);
                var tagged = batch.Select((p, i) => (p.Id, p.Hash, Tagging: taggings[i])).ToList();
                done += Write(tagged, cancellationToken);
                progress?.Report(new TopicProgress(Math.Min(done, work.Pending.Count), work.Pending.Count));
            }

            if (store.IsBulkChange(done))
            {
                // Re-tagging rewrites every document it tags: after as many as a bulk load, one segment again, as after one.
                _state = "merging";
                await Task.Run(() => store.Write("merge after topics", session => session.MergeAfterBulkChange(done), cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            _state = "ready";
            if (work.Pending.Count > 0)
            {
                LogTagged(done, work.Pending.Count, clock.Elapsed.TotalSeconds, refined is null ? TopicClassifier.TextModelName : $"{TopicClassifier.TextModelName} and {classifier.RefinedModelName}");
            }

            return done;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or TopicModelException or IndexBusyException or IndexReadOnlyException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            _state = "failed";
            _error = ex.Message;
            LogFailed(ex.Message);
            throw;
        }
        finally
        {
            if (_state is "training" or "tagging" or "merging")
            {
                _state = "waiting"; // cancelled: the next run goes on from where this one stopped
            }

            _running.Release();
        }
    }

    /// <summary>A document to tag: its number in the plan's searcher, and whether it is tagged with its vectors.</summary>
    private sealed record PendingDocument(string Id, string Hash, int Doc, bool WithVectors);

    private sealed record Work(int Documents, List<PendingDocument> Pending, int TaggedWithEmbeddings, VectorStore? Vectors);

    private static readonly HashSet<string> PassageFields = [.. SemanticIndex.PassageFields];

    /// <summary>A pending document's passages, and its vectors when it is tagged with them.</summary>
    private static (IReadOnlyList<string> Passages, IReadOnlyList<float[]>? Vectors) Load(SearcherLease lease, VectorStore? vectors, PendingDocument p)
    {
        if (p.WithVectors)
        {
            var entries = vectors!.EntriesOf(p.Id);
            return (entries.Select(e => vectors.Entries[e].Text).ToList(), entries.Select(e => vectors.Vector(e).ToArray()).ToList());
        }

        var full = lease.Searcher.IndexReader.Document(p.Doc, PassageFields);
        return (SemanticIndex.PassagesOf(full).Select(x => x.Text).ToList(), null);
    }

    /// <summary>The documents whose tagging is not the best they can have now, with the passages (and vectors) to tag them by.</summary>
    private Work Plan(SearcherLease lease, TopicModel? refined)
    {
        var text = classifier.Model();
        var vectors = refined is not null && semantic is not null ? semantic.VectorsFor(lease) : null;
        var textId = text is null ? null : TopicClassifier.IdOf(text);
        var refinedId = refined is null ? null : TopicClassifier.IdOf(refined);
        var pending = new List<PendingDocument>();
        var documents = 0;
        var reader = lease.Searcher.IndexReader;
        var taggedWithEmbeddings = 0;
        // From doc values: the stored fields (and the body beside them) are read only for the documents left to tag.
        foreach (var (doc, id, hash, topicsBy, topicsModelId) in LiveDocuments.Taggings(reader))
        {
            documents++;
            taggedWithEmbeddings += topicsBy == classifier.RefinedModelName ? 1 : 0;
            var withVectors = vectors is not null && vectors.Documents.TryGetValue(id, out var embedded) && embedded == hash;
            var (model, modelId) = withVectors ? (classifier.RefinedModelName, refinedId) : (TopicClassifier.TextModelName, textId);
            if (topicsBy == model && topicsModelId == modelId)
            {
                continue;
            }

            pending.Add(new PendingDocument(id, hash, doc, withVectors));
        }

        return new Work(documents, pending, taggedWithEmbeddings, vectors);
    }

    /// <summary>Writes the new topics of the documents still indexed with the content they were tagged from; the overrides are applied by the write path.</summary>
    private int Write(List<(string Id, string Hash, TopicTagging? Tagging)> tagged, CancellationToken cancellationToken) =>
        store.Write("topics", session =>
        {
            var written = 0;
            using (var reader = DirectoryReader.Open(session.Writer, applyAllDeletes: true))
            {
                var searcher = new IndexSearcher(reader);
                foreach (var (id, hash, tagging) in tagged)
                {
                    if (tagging is null)
                    {
                        continue;
                    }

                    var hits = searcher.Search(new TermQuery(new Term(IndexFields.Id, id)), 1);
                    if (hits.TotalHits == 0)
                    {
                        continue; // deleted meanwhile
                    }

                    var stored = searcher.Doc(hits.ScoreDocs[0].Doc);
                    if (stored.Get(IndexFields.Hash) != hash)
                    {
                        continue; // ingested again meanwhile: the next run takes it
                    }

                    session.Put(DocumentMapper.FromLucene(stored), tagging);
                    written++;
                }
            }

            session.Commit();
            return written;
        }, cancellationToken);

    public void Dispose() => _running.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Topics: {Done} of {Total} documents tagged in {Seconds:0.0} s (models: {Model})")]
    private partial void LogTagged(int done, int total, double seconds, string model);

    [LoggerMessage(Level = LogLevel.Error, Message = "Topic tagging failed: {Reason}; documents keep the topics they had")]
    private partial void LogFailed(string reason);
}
