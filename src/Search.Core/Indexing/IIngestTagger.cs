using Search.Core.Ingestion;

namespace Search.Core.Indexing;

/// <summary>
/// Tags documents with topics while they are ingested, before their first write, so that the topic
/// stage does not read and write every new document a second time. The seam exists because the
/// topic models live in Classification, which Indexing may not reference; Classification's
/// <c>TopicTagger</c> implements it. Called on any thread, a batch of documents at a time.
/// </summary>
public interface IIngestTagger
{
    /// <summary>False when topics are off or there is no model: documents go in untagged, as before.</summary>
    bool IsEnabled { get; }

    /// <summary>One tagging per document (null: not tagged, left to the topic stage).</summary>
    IReadOnlyList<TopicTagging?> Tag(IReadOnlyList<IngestedDocument> documents);
}
