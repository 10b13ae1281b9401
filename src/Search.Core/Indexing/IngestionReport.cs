namespace Search.Core.Indexing;

/// <summary>A file that ingestion did not index, and why.</summary>
public sealed record FileProblem(string Path, string Reason);

/// <summary>What an ingestion run did.</summary>
public sealed record IngestionReport(
    string Folder,
    int Added,
    int Updated,
    int Unchanged,
    int Deleted,
    IReadOnlyList<FileProblem> Failed,
    IReadOnlyList<FileProblem> Skipped,
    TimeSpan Elapsed)
{
    public int Indexed => Added + Updated;

    /// <summary>Where the run spent its time, stage by stage (not serialized into the JSON report).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IngestionProfile? Profile { get; init; }

    public double DocumentsPerSecond => Elapsed.TotalSeconds <= 0 ? 0 : Indexed / Elapsed.TotalSeconds;
}

/// <summary>Progress of an ingestion run, reported after each file.</summary>
public sealed record IngestionProgress(int Done, int Total, string CurrentPath, int Indexed, int Failed);
