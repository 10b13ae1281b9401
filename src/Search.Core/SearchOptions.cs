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

    /// <summary>The topic taxonomy (id, label, description): adding a row and labelled passages adds a topic.</summary>
    [Required]
    public string TopicsPath { get; set; } = Path.Combine("corpus", "topics.tsv");

    /// <summary>Folder of labelled training passages (<c>*.tsv</c>: id, topics, text).</summary>
    [Required]
    public string TrainingPath { get; set; } = Path.Combine("corpus", "training");

    /// <summary>The saved topic model, trained from <see cref="TrainingPath"/> on first use when missing; default <c>models/topics.zip</c> beside the index folder.</summary>
    public string ModelPath { get; set; } = string.Empty;

    /// <summary>Users' topic overrides, kept apart from the index so they survive re-ingestion, retraining and rebuilds; default <c>topic-overrides.json</c> beside the index folder.</summary>
    public string OverridesPath { get; set; } = string.Empty;

    /// <summary>Whether ingestion tags documents with topics.</summary>
    public bool TopicsEnabled { get; set; } = true;

    /// <summary>
    /// Whether the topic classifier also uses each passage's sentence embedding as features (when
    /// <see cref="SemanticEnabled"/>): documents are tagged with text features first and re-tagged in
    /// the background once their passages are embedded (measured better; see README).
    /// </summary>
    public bool TopicEmbeddings { get; set; } = true;

    /// <summary>The cache of the classification passages' embeddings; default <c>models/topic-embeddings.cache</c> beside the index folder.</summary>
    public string TopicEmbeddingCachePath { get; set; } = string.Empty;

    /// <summary>Whether passages are embedded for semantic and hybrid search.</summary>
    public bool SemanticEnabled { get; set; } = true;

    /// <summary>The embedding cache (content hash → vector); default <c>models/embeddings.cache</c> beside the index folder.</summary>
    public string EmbeddingCachePath { get; set; } = string.Empty;

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
}
