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

    /// <summary>How hybrid search combines keyword and semantic rankings (chosen by measurement, see README).</summary>
    public Semantic.FusionMethod Fusion { get; set; } = Semantic.FusionMethod.ZScores;

    /// <summary>With normalised-score fusion, the keyword (BM25) share of the fused score.</summary>
    [Range(0.0, 1.0)]
    public double KeywordWeight { get; set; } = 0.5;

    /// <summary>Documents taken from each ranking before fusion.</summary>
    [Range(10, 10_000)]
    public int FusionDepth { get; set; } = 100;

    /// <summary>Documents indexed between two commits during ingestion.</summary>
    [Range(1, 100_000)]
    public int CommitEvery { get; set; } = 100;

    /// <summary>
    /// How long a write waits for another process's writer before answering "index busy", in seconds
    /// (negative: until free). The CLI's write commands fail at once unless given <c>--wait</c>.
    /// </summary>
    [Range(-1, 3600)]
    public double WriteWaitSeconds { get; set; } = 30;
}
