using Microsoft.Extensions.Logging.Abstractions;
using Search.Core.Classification;
using Search.Core.Enrichment;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Querying;
using Search.Core.Semantic;

namespace Search.Core.Tests.Support;

/// <summary>A real Lucene index on a temp folder, fed by the real ingestion pipeline from a temp documents folder.</summary>
internal sealed class TestIndex : IDisposable
{
    private readonly TempFolder _temp = new();

    /// <param name="model">The embedding model (the shared real one when null), e.g. a counting wrapper.</param>
    public TestIndex(Action<SearchOptions>? configure = null, IEmbeddingModel? model = null)
    {
        Documents = _temp.Combine("docs");
        Directory.CreateDirectory(Documents);
        Options = TestOptions.Create(o =>
        {
            o.IndexPath = _temp.Combine("index");
            o.CorpusPath = Documents;
            o.TopicsEnabled = false; // topic tests switch it on with their own small training set
            o.SemanticEnabled = false; // semantic tests switch it on
            configure?.Invoke(o);
        });
        Store = new IndexStore(Options);
        Semantic = new SemanticIndex(Store, model ?? SharedModel.Instance, Options, NullLogger<SemanticIndex>.Instance);
        Classifier = new TopicClassifier(Store, Options, NullLogger<TopicClassifier>.Instance, Semantic);
        Topics = new TopicService(Store, Classifier);
        Tagger = new TopicTagger(Store, Classifier, NullLogger<TopicTagger>.Instance, Semantic);
        Maintenance = new IndexMaintenance(Store, Tagger, NullLogger<IndexMaintenance>.Instance, Semantic);
        Pipeline = NewPipeline();
        Search = new SearchService(Store, Semantic, Options);
    }

    public string Documents { get; }

    public Microsoft.Extensions.Options.IOptions<SearchOptions> Options { get; }

    public IndexStore Store { get; }

    public IngestionPipeline Pipeline { get; }

    public TopicClassifier Classifier { get; }

    public TopicService Topics { get; }

    public TopicTagger Tagger { get; }

    public IndexMaintenance Maintenance { get; }

    public SemanticIndex Semantic { get; }

    public string Root => _temp.Path;

    public SearchService Search { get; }

    /// <param name="tagger">Topics tagged while ingesting, as <c>search ingest</c> wires it; none: left to the topic stage.</param>
    public IngestionPipeline NewPipeline(IIngestTagger? tagger = null) =>
        new([new DocxReader(Options), new TextFileReader(Options), new PdfReader(Options)], Store, Options, NullLogger<IngestionPipeline>.Instance, tagger);

    public string Add(string relative, string content) => _temp.Write(System.IO.Path.Combine("docs", relative), content);

    public string AddBytes(string relative, byte[] content) => _temp.WriteBytes(System.IO.Path.Combine("docs", relative), content);

    /// <summary>Ingests the documents folder, then runs the enrichment stages (topics, embeddings when switched on), as <c>search ingest</c> does.</summary>
    public IngestionReport Ingest()
    {
        var report = IngestOnly();
        CatchUp();
        return report;
    }

    /// <summary>Ingestion alone (file → text → metadata → Lucene), without the enrichment stages.</summary>
    public IngestionReport IngestOnly() =>
        Pipeline.IngestAsync(Documents, new IngestionRun(AllowDeletes: true), null, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The enrichment stages alone.</summary>
    public CatchUpReport CatchUp() => Maintenance.CatchUpAsync(null, TimeSpan.FromSeconds(30), CancellationToken.None).GetAwaiter().GetResult();

    public List<string> Ids(string query, Dictionary<string, IReadOnlyList<string>>? filters = null) =>
        Search.Search(new SearchRequest { Query = query, Filters = filters ?? [], PageSize = 100 }).Hits.Select(h => h.Id).Order().ToList();

    /// <summary>A .txt document with an ITU header in Field: value lines.</summary>
    public static string Txt(string number, string period, string questions, string date, string title, string body, string? kindLine = null) => $"""
        INTERNATIONAL TELECOMMUNICATION UNION
        STUDY PERIOD {period}

        {number}

        Question(s): {questions}
        Place and date: Geneva, {date}

        {kindLine ?? "CONTRIBUTION"}

        Source: Example Administration
        Title: {title}
        Purpose: Proposal
        Contact: A. Person; Example; E-mail: a@example.com
        Keywords: test
        Abstract: {title}.

        1 Introduction

        {body}
        """;

    public void Dispose()
    {
        Semantic.Dispose();
        Tagger.Dispose();
        Store.Dispose();
        _temp.Dispose();
    }
}
