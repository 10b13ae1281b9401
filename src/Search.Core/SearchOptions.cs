using System.ComponentModel.DataAnnotations;

namespace Search.Core;

/// <summary>Settings bound from the <c>Search</c> configuration section.</summary>
public sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>Folder of the Lucene index (created when missing).</summary>
    [Required]
    public string IndexPath { get; set; } = Path.Combine("indexes", "main");

    /// <summary>Folder of documents ingested when the index is empty.</summary>
    [Required]
    public string CorpusPath { get; set; } = Path.Combine("corpus", "documents");

    /// <summary>Largest file accepted by ingestion, in bytes; larger files are reported and skipped.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Most bytes a document may expand to once decompressed (zip parts, PDF streams).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxExpandedBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Deepest XML nesting accepted in a .docx part before it is parsed.</summary>
    [Range(16, 10_000)]
    public int MaxXmlDepth { get; set; } = 256;

    /// <summary>Longest query accepted, in characters.</summary>
    [Range(1, 100_000)]
    public int MaxQueryLength { get; set; } = 1000;

    /// <summary>Largest page of results a request may ask for.</summary>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 100;

    /// <summary>The topic taxonomy (id, label, description): adding a row and labelled passages adds a topic. Default: the one shipped beside the executable.</summary>
    [Required]
    public string TopicsPath { get; set; } = Path.Combine("topics", "topics.tsv");

    /// <summary>Folder of labelled training passages (<c>*.tsv</c>: id, topics, text). Default: the ones shipped beside the executable.</summary>
    [Required]
    public string TrainingPath { get; set; } = Path.Combine("topics", "training");

    /// <summary>Whether documents are tagged with topics (an enrichment stage after ingestion).</summary>
    public bool TopicsEnabled { get; set; } = true;

    /// <summary>
    /// Whether the topic classifier also uses each passage's sentence embedding as features (when
    /// <see cref="SemanticEnabled"/>): documents are tagged with text features first and re-tagged in
    /// the background once their passages are embedded (measured better; see README).
    /// </summary>
    public bool TopicEmbeddings { get; set; } = true;

    /// <summary>Whether passages are embedded for semantic and hybrid search.</summary>
    public bool SemanticEnabled { get; set; } = true;

    /// <summary>The mode of a search that names none (<c>/api/search</c> without <c>mode</c>): hybrid, or bm25 for a keyword-only service.</summary>
    public Querying.SearchMode DefaultMode { get; set; } = Querying.SearchMode.Hybrid;

    /// <summary>ONNX Runtime threads for one embedding batch (0: one per core). See <c>search bench-semantic --throughput</c>.</summary>
    [Range(0, 256)]
    public int EmbeddingThreads { get; set; }

    /// <summary>
    /// Passages per embedding batch (across documents, by length). The model pads a batch to its
    /// longest passage, so batches of similar lengths and small batches waste less: on 2 cores, 484
    /// corpus passages embedded raw at 27.5 / 27.1 / 20.6 passages/s in batches of 4 / 8 / 16 in
    /// corpus order, 49.7 / 43.9 / 38.0 sorted by length; the stage (cache, cutting, commits) at 4: 41.1
    /// at 8 in that run, 54.3 in the next, 101 % of that run's best raw (batch 2: 54.0); the machine's
    /// load moves these figures by half (<c>search bench-semantic --throughput</c>).
    /// </summary>
    [Range(1, 1024)]
    public int EmbeddingBatchSize { get; set; } = 4;

    /// <summary>How hybrid search combines keyword and semantic rankings (chosen by measurement, see README).</summary>
    public Semantic.FusionMethod Fusion { get; set; } = Semantic.FusionMethod.ZScores;

    /// <summary>With normalised-score fusion, the keyword (BM25) share of the fused score.</summary>
    [Range(0.0, 1.0)]
    public double KeywordWeight { get; set; } = 0.5;

    /// <summary>Documents taken from each ranking before fusion.</summary>
    [Range(10, 10_000)]
    public int FusionDepth { get; set; } = 100;

    /// <summary>Documents indexed between two commits during ingestion (at most; see <see cref="CommitSeconds"/>).</summary>
    [Range(1, 10_000_000)]
    public int CommitEvery { get; set; } = 100_000;

    /// <summary>
    /// An ingestion run that adds, updates or deletes at least this many documents (a bulk load), or a
    /// topic tagging run that writes as many back, ends by merging the index into one segment: every term of every query is looked up once per segment,
    /// so at 100,000 documents in seven segments the look-ups alone cost more than ranking. Smaller runs
    /// leave merging to Lucene's merge policy. 0 never merges.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MergeAfterDocuments { get; set; } = 10_000;

    /// <summary>
    /// Bodies of at least this many characters are indexed with term vectors, so that their snippets are
    /// read, not analysed again, at each search; shorter ones (most documents) are analysed again when a
    /// hit shows them. Term vectors for every body cost about a quarter of an ingestion's CPU. Applies to
    /// documents indexed from then on.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int TermVectorMinChars { get; set; } = Indexing.DocumentMapper.TermVectorMinChars;

    /// <summary>Seconds between two commits during ingestion (each commit syncs to disk; a crash loses at most this much work).</summary>
    [Range(0.0, 3600.0)]
    public double CommitSeconds { get; set; } = 10;

    /// <summary>
    /// How long a write waits for another process's writer before answering "index busy", in seconds
    /// (negative: until free). The CLI's write commands fail at once unless given <c>--wait</c>.
    /// </summary>
    [Range(-1, 3600)]
    public double WriteWaitSeconds { get; set; } = 30;

    /// <summary>Seconds a search may take (parsing, term expansion, collection, embedding the query); a search over it is answered with a 400 naming the limit.</summary>
    [Range(0.1, 600.0)]
    public double QueryTimeoutSeconds { get; set; } = 3;

    /// <summary>
    /// From this many documents on, a service warms its search code up when it starts, before it reports
    /// itself warmed up (<see cref="Querying.SearchWarmUp"/>): searches of every kind made of the index's
    /// own words, until the runtime has compiled them optimised. Below it a search is fast enough unoptimised.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int WarmUpMinDocuments { get; set; } = 10_000;

    /// <summary>Longest a start-up warm-up runs, in seconds (0: none).</summary>
    [Range(0.0, 600.0)]
    public double WarmUpSeconds { get; set; } = 20;

    /// <summary>Longest regular expression (<c>/…/</c>) accepted in a query, in characters.</summary>
    [Range(1, 10_000)]
    public int MaxRegexLength { get; set; } = 100;

    /// <summary>Largest repetition count (<c>{n,m}</c>) accepted in a regular expression.</summary>
    [Range(1, 1000)]
    public int MaxRegexRepeat { get; set; } = 50;

    /// <summary>
    /// Most states a regular expression or wildcard may need once made deterministic: checked before
    /// Lucene builds its automaton, whose construction is exponential in the worst case (<c>.*a.{20}</c>).
    /// </summary>
    [Range(10, 100_000)]
    public int MaxRegexStates { get; set; } = 100;

    /// <summary>Most prefix, wildcard, regular-expression and range terms in one query (each expands to many index terms).</summary>
    [Range(0, 10_000)]
    public int MaxWildcardTerms { get; set; } = 20;

    /// <summary>Most fuzzy terms (<c>word~</c>) in one query.</summary>
    [Range(0, 10_000)]
    public int MaxFuzzyTerms { get; set; } = 10;

    /// <summary>Most terms and phrases in one query.</summary>
    [Range(1, 100_000)]
    public int MaxClauses { get; set; } = 1024;

    /// <summary>Deepest nesting of parentheses in a query (the parser is recursive).</summary>
    [Range(1, 1000)]
    public int MaxQueryDepth { get; set; } = 32;

    /// <summary>Most values selected in one facet (<c>sg=11,13,…</c>).</summary>
    [Range(1, 100_000)]
    public int MaxFacetValues { get; set; } = 1024;

    /// <summary>
    /// API keys that may change state (topic overrides, later writes), sent as <c>X-Api-Key</c> or
    /// <c>Authorization: Bearer</c>. When none is configured the service generates one at first start
    /// and keeps it in <c>api-key</c> in the index folder, readable by its owner only.
    /// </summary>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>Whether reading (searching, documents, files) needs an API key too; writing always does.</summary>
    public bool RequireKeyForReads { get; set; }
}
