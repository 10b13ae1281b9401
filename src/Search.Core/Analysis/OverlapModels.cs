namespace Search.Core.Analysis;

/// <summary>A document as the overlap analysis shows it.</summary>
public sealed record OverlapDocument(string Id, string Title, string Kind, string? Number, string? Group, IReadOnlyList<string> Questions, IReadOnlyList<string> Topics, int? Year);

/// <summary>
/// Two documents of different study groups on the same subject, with the evidence: their content
/// similarity (centred centroids, passage coverage and best passage pair, see <see cref="PairScore"/>), the two most similar passages side by side, the
/// references and distinctive terms they share, and whether one cites the other.
/// </summary>
public sealed record OverlapPair(
    int Rank,
    OverlapDocument First,
    OverlapDocument Second,
    double Score,
    double CentroidSimilarity,
    double CoverageSimilarity,
    double PassageSimilarity,
    string FirstPassage,
    string SecondPassage,
    IReadOnlyList<string> SharedReferences,
    IReadOnlyList<string> SharedTerms,
    bool CitesEachOther,
    int Cluster);

/// <summary>A group of documents from several study groups working on one subject.</summary>
public sealed record OverlapCluster(
    int Id,
    double Score,
    string Label,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> Topics,
    IReadOnlyList<OverlapDocument> Documents,
    IReadOnlyList<int> Pairs);

/// <summary>How many documents a study group has on a topic, overall and per year, and with which Questions.</summary>
public sealed record TopicActivity(string Topic, string Group, int Documents, IReadOnlyDictionary<int, int> ByYear, IReadOnlyDictionary<string, int> Questions);

/// <summary>The whole analysis.</summary>
public sealed record OverlapReport(
    string? Topic,
    double MinSimilarity,
    int Documents,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> Topics,
    IReadOnlyList<TopicActivity> Activity,
    IReadOnlyList<OverlapPair> Pairs,
    IReadOnlyList<OverlapCluster> Clusters);

/// <summary>The analysis cannot run yet (no vectors).</summary>
public sealed class OverlapUnavailableException(string message) : Exception(message);
