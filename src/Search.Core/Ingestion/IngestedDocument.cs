namespace Search.Core.Ingestion;

/// <summary>A document as it goes into the index: where it came from, its text and its metadata.</summary>
public sealed record IngestedDocument(
    string Id,
    string Path,
    string Format,
    string Hash,
    DocumentMetadata Metadata,
    string Text)
{
    /// <summary>The lines of <see cref="Text"/> that are boilerplate, as ranges (<see cref="ExtractedText.BoilerplateRanges"/>); null when none.</summary>
    public string? Boilerplate { get; init; }

    /// <summary>Ids are the path relative to the ingested folder with '/' separators: stable, unique and readable.</summary>
    public static string IdOf(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return relativePath.Replace('\\', '/');
    }
}
