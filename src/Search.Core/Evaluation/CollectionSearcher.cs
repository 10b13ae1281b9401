using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Search.Core.Indexing;
using Search.Core.Semantic;

namespace Search.Core.Evaluation;

/// <summary>
/// Searches a test collection the way published baselines do: BM25 over one field holding title and
/// text ("flat", as Anserini's BEIR runs), with the product's analyzer, queries as bags of words; and
/// semantic search over the documents' passages with the product's chunker, embedding model and
/// vector store (a document scores its best passage). Embeddings are cached on disk by content hash.
/// </summary>
public sealed class CollectionSearcher : IDisposable
{
    private const string Field = "body";
    private readonly RAMDirectory _directory = new();
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly QueryBuilder _queries = new(IndexStore.QueryAnalyzer);
    private readonly EmbeddingCache _cache;
    private readonly IEmbeddingModel _model;
    private readonly string[] _ids;

    public CollectionSearcher(IReadOnlyList<EvalDocument> corpus, IEmbeddingModel model, string cachePath, float k1, float b, bool withVectors, IProgress<EmbeddingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        var similarity = new BM25Similarity(k1, b);
        using (var writer = new IndexWriter(_directory, new IndexWriterConfig(ItuAnalyzer.Version, IndexStore.IndexAnalyzer) { Similarity = similarity }))
        {
            foreach (var d in corpus)
            {
                writer.AddDocument(new Document
                {
                    new StringField(IndexFields.Id, d.Id, Lucene.Net.Documents.Field.Store.YES),
                    new TextField(Field, $"{d.Title} {d.Text}", Lucene.Net.Documents.Field.Store.NO),
                });
            }

            writer.Commit();
        }

        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = similarity };
        _ids = new string[_reader.MaxDoc];
        for (var i = 0; i < _reader.MaxDoc; i++)
        {
            _ids[i] = _reader.Document(i).Get(IndexFields.Id) ?? string.Empty;
        }

        _cache = new EmbeddingCache(cachePath, model.Dimensions);
        if (!withVectors)
        {
            Vectors = VectorStore.Empty(model.Name, model.Dimensions);
            return;
        }

        var passages = corpus.SelectMany(d => Passages.Cut(d.Title, d.Text.Split('\n')).Select(p => (Doc: d.Id, Passage: p))).ToList();
        var vectors = Embed(passages.Select(p => p.Passage.Text).ToList(), progress, cancellationToken);
        var entries = passages.Select(p => new PassageEntry(p.Doc, string.Empty, p.Passage.Index, p.Passage.Text)).ToList();
        Vectors = new VectorStore(model.Name, model.Dimensions, entries, vectors.SelectMany(v => v).ToArray());
    }

    public VectorStore Vectors { get; }

    /// <summary>BM25 top <paramref name="k"/>: the query's words, any of them (OR).</summary>
    public List<(string Id, float Score)> Keyword(string query, int k)
    {
        var q = _queries.CreateBooleanQuery(Field, query, Occur.SHOULD);
        if (q is null)
        {
            return [];
        }

        return _searcher.Search(q, k).ScoreDocs.Select(sd => (_ids[sd.Doc], sd.Score)).ToList();
    }

    public List<(string Id, float Score)> Semantic(float[] queryVector, int k) =>
        Vectors.Search(queryVector, null, k).Select(s => (s.DocumentId, s.Score)).ToList();

    /// <summary>Embeds texts through the cache (queries too: a second run costs nothing).</summary>
    public float[][] Embed(IReadOnlyList<string> texts, IProgress<EmbeddingProgress>? progress, CancellationToken cancellationToken) =>
        _cache.EmbedAll(_model, texts, 16, progress, cancellationToken);

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
        _cache.Dispose();
    }
}
