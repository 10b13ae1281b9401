using System.Collections.Concurrent;
using System.Numerics.Tensors;
using Lucene.Net.Index;
using Lucene.Net.Util;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Semantic;

namespace Search.Core.Analysis;

/// <summary>
/// Finds where study groups duplicate each other's work. Every pair of documents from different
/// groups is scored by content, from three views of their passage embeddings (see
/// <see cref="PairScore"/>): the cosine of their centroids with the corpus mean removed, the
/// coverage (how much of each document has a close passage in the other) and their most similar
/// passage pair. Pairs are ranked with a diversity rule (maximal marginal relevance: a pair on a
/// subject already shown counts less, so that one dense subject does not fill the list), then
/// joined into clusters (connected pairs). TSAG documents and reports are left out (see <see cref="IsWork"/>). Evidence
/// for each pair: the two most similar passages, the references and the distinctive terms (highest
/// tf-idf in the body) that both share, and whether one cites the other.
/// </summary>
public sealed class OverlapAnalyzer(IndexStore store, SemanticIndex semantic) : IDisposable
{
    /// <summary>
    /// How much a pair on a subject already shown loses (maximal marginal relevance): its similarity
    /// to the closest pair already chosen, weighed as much as its own score (MMR's balanced setting).
    /// </summary>
    public const double SubjectPenalty = 1.0;
    private const int DistinctiveTerms = 30;

    /// <summary>The fewest candidate documents whose mean centroid is removed (see <see cref="CenterCentroids"/>).</summary>
    public const int CenteringMinimum = 20;

    private sealed record Doc(OverlapDocument View, HashSet<string> References, HashSet<string> CitedNumbers, List<string> Terms, float[] Centroid, List<int> Passages)
    {
        /// <summary>The centroid with the mean of the candidate documents removed, normalised (set per analysis).</summary>
        public float[] Centered { get; set; } = Centroid;
    }

    private sealed record Scored(Doc A, Doc B, double Score, PairScore Parts);

    /// <summary>Reports kept per index generation; more parameter sets than this and the oldest finished ones are dropped.</summary>
    public const int CachedReports = 32;

    private readonly ConcurrentDictionary<ReportKey, CachedReport> _reports = new();

    // One analysis at a time: callers asking for many parameter sets queue instead of taking every core.
    private readonly SemaphoreSlim _computing = new(1, 1);
    private long _requests;

    /// <summary>An index generation (the Lucene reader's version and the vector store in use) and a parameter set.</summary>
    private sealed record ReportKey(long ReaderVersion, VectorStore Vectors, string? Topic, double MinSimilarity, int MaxPairs);

    /// <summary>A report being computed or computed (one task for every caller), and when it was last asked for.</summary>
    private sealed class CachedReport(Func<Task<OverlapReport>> compute)
    {
        public Lazy<Task<OverlapReport>> Report { get; } = new(compute);

        public long LastUsed { get; set; }

        public bool IsFinished => Report.IsValueCreated && Report.Value.IsCompleted;
    }

    /// <summary>
    /// The analysis of <see cref="Analyze"/>, computed once per index generation and parameter set and
    /// served from memory afterwards. Callers asking at the same time share one computation; a caller
    /// that gives up (<paramref name="cancellationToken"/>) stops waiting, not the computation, whose
    /// result the next caller gets.
    /// </summary>
    public async Task<OverlapReport> AnalyzeAsync(string? topic, double minSimilarity, int maxPairs, CancellationToken cancellationToken)
    {
        EnsureReady();
        long version;
        using (var lease = store.Lease())
        {
            version = (lease.Searcher.IndexReader as DirectoryReader)?.Version ?? 0;
        }

        var vectors = semantic.Current;
        var key = new ReportKey(version, vectors, topic, minSimilarity, maxPairs);
        foreach (var old in _reports.Keys.Where(k => k.ReaderVersion != version || !ReferenceEquals(k.Vectors, vectors)))
        {
            _reports.TryRemove(old, out _);
        }

        // The computation belongs to no caller: it runs on the thread pool so that every caller can await it and leave.
        var entry = _reports.GetOrAdd(key, _ => new CachedReport(() => Task.Run(async () =>
        {
            await _computing.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                return Analyze(topic, minSimilarity, maxPairs, CancellationToken.None);
            }
            finally
            {
                _computing.Release();
            }
        })));
        entry.LastUsed = Interlocked.Increment(ref _requests);
        var report = entry.Report.Value;
        Trim();
        try
        {
            return await report.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (report.IsFaulted || report.IsCanceled)
        {
            // A failed computation is not kept: the next caller tries again.
            _reports.TryRemove(new KeyValuePair<ReportKey, CachedReport>(key, entry));
            throw;
        }
    }

    public void Dispose() => _computing.Dispose();

    private void Trim()
    {
        var finished = _reports.Where(r => r.Value.IsFinished).OrderBy(r => r.Value.LastUsed).ToList();
        for (var i = 0; i < finished.Count && _reports.Count > CachedReports; i++)
        {
            _reports.TryRemove(finished[i]);
        }
    }

    private void EnsureReady()
    {
        if (!semantic.IsReady)
        {
            var status = semantic.Status();
            throw new OverlapUnavailableException(status.Enabled
                ? $"overlap analysis needs the semantic index, which is not ready ({status.CoveredDocuments} of {status.Documents} documents embedded)"
                : "overlap analysis needs semantic search, which is switched off");
        }
    }

    public OverlapReport Analyze(string? topic, double minSimilarity, int maxPairs, CancellationToken cancellationToken = default)
    {
        EnsureReady();

        var hashes = semantic.IndexedDocuments();
        var vectors = Windows(semantic.Current, hashes);
        using var lease = store.Lease();
        var reader = lease.Searcher.IndexReader;
        var docs = LoadDocuments(reader, vectors, hashes);
        var activity = Activity(docs.Values);

        var candidates = docs.Values
            .Where(d => IsWork(d.View) && d.Passages.Count > 0)
            .Where(d => topic is null || d.View.Topics.Contains(topic))
            .OrderBy(d => d.View.Id, StringComparer.Ordinal)
            .ToList();
        CenterCentroids(candidates, vectors.Dimensions);
        var scored = new List<Scored>();
        for (var i = 0; i < candidates.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var j = i + 1; j < candidates.Count; j++)
            {
                var a = candidates[i];
                var b = candidates[j];
                if (a.View.Group == b.View.Group)
                {
                    continue;
                }

                var parts = PairScore.Of(vectors, a.Passages, b.Passages, TensorPrimitives.Dot(a.Centered, b.Centered));
                if (parts.Score >= minSimilarity)
                {
                    scored.Add(new Scored(a, b, parts.Score, parts));
                }
            }
        }

        // Diversity (maximal marginal relevance): a pair loses SubjectPenalty times its similarity to
        // the most similar pair already chosen, so that each duplicated subject shows before a second
        // pair on a subject already shown.
        var remaining = scored.OrderByDescending(s => s.Score).Take(Math.Max(maxPairs * 20, 500)).ToList();
        var ranked = new List<Scored>();
        var redundancy = new double[remaining.Count];
        while (remaining.Count > 0 && ranked.Count < maxPairs)
        {
            var bestIndex = 0;
            var bestValue = double.MinValue;
            for (var k = 0; k < remaining.Count; k++)
            {
                var value = remaining[k].Score - (SubjectPenalty * redundancy[k]);
                if (value > bestValue)
                {
                    bestValue = value;
                    bestIndex = k;
                }
            }

            var chosen = remaining[bestIndex];
            remaining.RemoveAt(bestIndex);
            redundancy = redundancy.Where((_, k) => k != bestIndex).ToArray();
            ranked.Add(chosen);
            for (var k = 0; k < remaining.Count; k++)
            {
                redundancy[k] = Math.Max(redundancy[k], PairSimilarity(remaining[k].A, remaining[k].B, chosen.A, chosen.B));
            }
        }

        // Clusters: documents connected by the reported pairs.
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string x)
        {
            while (parent.TryGetValue(x, out var p) && p != x)
            {
                x = p;
            }

            return x;
        }

        foreach (var r in ranked)
        {
            parent.TryAdd(r.A.View.Id, r.A.View.Id);
            parent.TryAdd(r.B.View.Id, r.B.View.Id);
            var ra = Find(r.A.View.Id);
            var rb = Find(r.B.View.Id);
            if (ra != rb)
            {
                parent[rb] = ra;
            }
        }

        var clusterOf = ranked.GroupBy(r => Find(r.A.View.Id))
            .Select(g => (Root: g.Key, Pairs: g.ToList(), Score: g.Max(p => p.Score)))
            .OrderByDescending(c => c.Score)
            .Select((c, i) => (c.Root, Id: i + 1, c.Pairs, c.Score))
            .ToList();
        var clusterIdByRoot = clusterOf.ToDictionary(c => c.Root, c => c.Id, StringComparer.Ordinal);

        var pairs = ranked.Select((r, i) => new OverlapPair(
            i + 1, r.A.View, r.B.View, Math.Round(r.Score, 4), Math.Round(r.Parts.Centroid, 4), Math.Round(r.Parts.Coverage, 4), Math.Round(r.Parts.Passage, 4),
            vectors.Entries[r.Parts.PassageA].Text, vectors.Entries[r.Parts.PassageB].Text,
            r.A.References.Intersect(r.B.References).Order(StringComparer.Ordinal).ToList(),
            r.A.Terms.Intersect(r.B.Terms).Take(12).ToList(),
            Cites(r.A, r.B) || Cites(r.B, r.A),
            clusterIdByRoot[Find(r.A.View.Id)])).ToList();

        var clusters = clusterOf.Select(c =>
        {
            var members = c.Pairs.SelectMany(p => new[] { p.A, p.B }).DistinctBy(d => d.View.Id).ToList();
            var terms = members.SelectMany(m => m.Terms).GroupBy(t => t).Where(g => g.Count() >= 2)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(5).Select(g => g.Key).ToList();
            return new OverlapCluster(
                c.Id, Math.Round(c.Score, 4), string.Join(", ", terms),
                members.Select(m => m.View.Group!).Distinct().OrderBy(GroupOrder).ToList(),
                members.SelectMany(m => m.View.Topics).GroupBy(t => t).OrderByDescending(g => g.Count()).Select(g => g.Key).ToList(),
                members.Select(m => m.View).OrderBy(m => GroupOrder(m.Group!)).ThenBy(m => m.Id, StringComparer.Ordinal).ToList(),
                pairs.Where(p => p.Cluster == c.Id).Select(p => p.Rank).ToList());
        }).ToList();

        var groups = docs.Values.Select(d => d.View.Group).OfType<string>().Distinct().OrderBy(GroupOrder).ToList();
        var topics = docs.Values.SelectMany(d => d.View.Topics).Distinct().Order(StringComparer.Ordinal).ToList();
        return new OverlapReport(topic, minSimilarity, docs.Count, groups, topics, activity, pairs, clusters);
    }

    /// <summary>
    /// Documents that do the work of a study group: TSAG is an advisory group, and meeting and
    /// Rapporteur reports summarise work done elsewhere, so they are not candidates for duplication.
    /// </summary>
    private static bool IsWork(OverlapDocument d) =>
        d.Group is not null && d.Group != "TSAG" && d.Kind != "report" && !d.Title.StartsWith("Report of", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Removes what all candidate documents share: ITU-T documents on security all sit in one narrow
    /// cone of the embedding space (raw centroid cosines of 0.7-0.9 between unrelated subjects), so
    /// the mean direction is taken out and the centroids re-normalised before they are compared.
    /// The mean of a handful of documents is no estimate of that direction (with three, it pushes
    /// them apart by construction), so fewer than <see cref="CenteringMinimum"/> are left as they are.
    /// </summary>
    private static void CenterCentroids(List<Doc> docs, int dimensions)
    {
        if (docs.Count < CenteringMinimum)
        {
            return;
        }

        var mean = new float[dimensions];
        foreach (var d in docs)
        {
            TensorPrimitives.Add(mean, d.Centroid, mean);
        }

        TensorPrimitives.Divide(mean, docs.Count, mean);
        foreach (var d in docs)
        {
            var centered = new float[dimensions];
            TensorPrimitives.Subtract(d.Centroid, mean, centered);
            var norm = TensorPrimitives.Norm(centered);
            if (norm > 0)
            {
                TensorPrimitives.Divide(centered, norm, centered);
            }

            d.Centered = centered;
        }
    }

    /// <summary>How alike two pairs are: their documents' centred centroids, matched the better way round.</summary>
    private static double PairSimilarity(Doc a1, Doc b1, Doc a2, Doc b2)
    {
        double Cos(Doc x, Doc y) => TensorPrimitives.Dot(x.Centered, y.Centered);
        return Math.Max((Cos(a1, a2) + Cos(b1, b2)) / 2, (Cos(a1, b2) + Cos(b1, a2)) / 2);
    }

    /// <summary>Words a window of passages gathers before it is closed: about a section, so that two documents are compared by what they say at length.</summary>
    /// <remarks>
    /// Measured with <c>overlaps --evaluate corpus/overlaps.tsv</c> (planted clusters in the top 20 pairs):
    /// single passages 11/18; windows of 100 / 120 / 150 / 180 / 250 words with the title 15 / 16 / 16 / 14 / 14,
    /// 150 and 250 words without it 15 and 14.
    /// </remarks>
    public const int WindowWords = 150;

    /// <summary>
    /// The documents' passages gathered into windows of consecutive passages (about <see cref="WindowWords"/>
    /// words; a window's vector is the normalised sum of its passages' and the title's), in a store of their own. Passages
    /// are short (the size topics read), and pairs of short passages match on phrasing as much as on
    /// subject: comparing windows brings the evidence back to what a section says. Vectors of documents
    /// changed since they were embedded are left out.
    /// </summary>
    internal static VectorStore Windows(VectorStore passages, IReadOnlyDictionary<string, string> hashes)
    {
        var entries = new List<PassageEntry>();
        var vectors = new List<float>();
        foreach (var document in passages.Documents.Keys.Order(StringComparer.Ordinal))
        {
            var own = passages.EntriesOf(document).Where(i => hashes.GetValueOrDefault(document) == passages.Entries[i].DocumentHash).ToList();
            var sum = new float[passages.Dimensions];
            var texts = new List<string>();
            var words = 0;
            var windows = 0;
            var title = own.Count > 1 ? own[0] : -1; // the title (passage 0): context of every window, as a reader has it
            for (var k = title < 0 ? 0 : 1; k < own.Count; k++)
            {
                var entry = passages.Entries[own[k]];
                TensorPrimitives.Add(sum, passages.Vector(own[k]), sum);
                texts.Add(entry.Text);
                words += entry.Text.Count(c => c == ' ') + 1;
                if (words >= WindowWords || k == own.Count - 1)
                {
                    if (title >= 0)
                    {
                        TensorPrimitives.Add(sum, passages.Vector(title), sum);
                    }

                    var norm = TensorPrimitives.Norm(sum);
                    if (norm > 0)
                    {
                        TensorPrimitives.Divide(sum, norm, sum);
                    }

                    entries.Add(new PassageEntry(document, entry.DocumentHash, windows++, string.Join(' ', texts)));
                    vectors.AddRange(sum);
                    Array.Clear(sum);
                    texts.Clear();
                    words = 0;
                }
            }
        }

        return new VectorStore(passages.Model, passages.Dimensions, entries, [.. vectors]);
    }

    private static bool Cites(Doc from, Doc to) => to.View.Number is { } n && from.CitedNumbers.Contains(n);

    private static Dictionary<string, Doc> LoadDocuments(IndexReader reader, VectorStore vectors, Dictionary<string, string> hashes)
    {
        var passages = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < vectors.Entries.Count; i++)
        {
            var e = vectors.Entries[i];
            if (hashes.GetValueOrDefault(e.DocumentId) == e.DocumentHash)
            {
                if (!passages.TryGetValue(e.DocumentId, out var list))
                {
                    passages[e.DocumentId] = list = [];
                }

                list.Add(i);
            }
        }

        // References cited by many documents (X.1205 in a third of them) say little about a shared subject.
        var loaded = LiveDocuments.Read(reader).Select(d => (d.Stored, d.Doc)).ToList();

        var metadata = loaded.ToDictionary(l => l.Doc, l => DocumentMapper.MetadataOf(l.Stored));
        var referenceCounts = metadata.Values.SelectMany(m => m.References.Recommendations.Concat(m.References.Documents).Distinct())
            .GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        var common = Math.Max(3, loaded.Count / 10);

        var result = new Dictionary<string, Doc>(StringComparer.Ordinal);
        foreach (var (stored, luceneDoc) in loaded)
        {
            var id = stored.Get(IndexFields.Id) ?? string.Empty;
            var m = metadata[luceneDoc];
            var view = new OverlapDocument(
                id, stored.Get(IndexFields.Title) ?? id, DocumentMetadata.KindCode(m.Kind), m.Number, m.Group, m.Questions,
                DocumentMapper.TopicsOf(stored).Select(t => t.Topic).ToList(), m.Date?.Year);
            var own = passages.GetValueOrDefault(id) ?? [];
            var centroid = new float[vectors.Dimensions];
            foreach (var p in own)
            {
                TensorPrimitives.Add(centroid, vectors.Vector(p), centroid);
            }

            var norm = TensorPrimitives.Norm(centroid);
            if (norm > 0)
            {
                TensorPrimitives.Divide(centroid, norm, centroid);
            }

            var references = m.References.Recommendations.Concat(m.References.Documents)
                .Where(r => r != m.Number && referenceCounts.GetValueOrDefault(r) <= common).ToHashSet(StringComparer.Ordinal);
            var cited = m.References.Documents.Concat(m.RepliesTo).ToHashSet(StringComparer.Ordinal);
            var body = string.Join('\n', DocumentMapper.ContentLines(stored.Get(IndexFields.Body) ?? string.Empty, stored.Get(IndexFields.Boilerplate)));
            result[id] = new Doc(view, references, cited, Distinctive(reader, luceneDoc, stored).Select(t => Surface(t, body)).ToList(), centroid, own);
        }

        return result;
    }

    /// <summary>The body terms with the highest tf-idf (words of four letters or more, identifiers left to the references).</summary>
    private static List<string> Distinctive(IndexReader reader, int doc, Lucene.Net.Documents.Document stored)
    {
        var terms = BodyTermVector.Of(reader, doc, stored.Get(IndexFields.Body), stored.Get(IndexFields.Boilerplate))?.GetTerms(IndexFields.Body);
        if (terms is null)
        {
            return [];
        }

        var scored = new List<(string Term, double Score)>();
        var n = reader.NumDocs;
        var e = terms.GetEnumerator();
        while (e.MoveNext())
        {
            var text = e.Term.Utf8ToString();
            if (text.Length < 4 || !text.All(char.IsLetter))
            {
                continue;
            }

            var tf = e.TotalTermFreq;
            var df = reader.DocFreq(new Term(IndexFields.Body, BytesRef.DeepCopyOf(e.Term)));
            if (df < 2)
            {
                continue; // a term of one document cannot be shared
            }

            scored.Add((text, (1 + Math.Log(tf)) * Math.Log((double)n / df)));
        }

        return scored.OrderByDescending(s => s.Score).ThenBy(s => s.Term, StringComparer.Ordinal).Take(DistinctiveTerms).Select(s => s.Term).ToList();
    }

    /// <summary>The word as the text writes it most often for a stemmed term ("accuraci" → "accuracy").</summary>
    private static string Surface(string stem, string text)
    {
        var forms = System.Text.RegularExpressions.Regex.Matches(text, $@"\b{System.Text.RegularExpressions.Regex.Escape(stem[..Math.Max(3, stem.Length - 1)])}\w*", System.Text.RegularExpressions.RegexOptions.IgnoreCase)
            .Select(m => m.Value.ToLowerInvariant())
            .Where(w => w.Length >= stem.Length && w.StartsWith(stem[..Math.Max(3, stem.Length - 1)], StringComparison.Ordinal))
            .GroupBy(w => w)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Length)
            .FirstOrDefault();
        return forms?.Key ?? stem;
    }

    private static List<TopicActivity> Activity(IEnumerable<Doc> docs)
    {
        var result = new List<TopicActivity>();
        foreach (var byTopic in docs.SelectMany(d => d.View.Topics.Select(t => (Topic: t, Doc: d))).GroupBy(x => x.Topic).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var byGroup in byTopic.Where(x => x.Doc.View.Group is not null).GroupBy(x => x.Doc.View.Group!).OrderBy(g => GroupOrder(g.Key)))
            {
                var views = byGroup.Select(x => x.Doc.View).ToList();
                result.Add(new TopicActivity(
                    byTopic.Key, byGroup.Key, views.Count,
                    views.Where(v => v.Year is not null).GroupBy(v => v.Year!.Value).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
                    views.SelectMany(v => v.Questions).GroupBy(q => q).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count())));
            }
        }

        return result;
    }

    private static int GroupOrder(string group) =>
        group.StartsWith("SG", StringComparison.Ordinal) && int.TryParse(group.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1000;
}
