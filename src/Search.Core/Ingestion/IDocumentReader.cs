namespace Search.Core.Ingestion;

/// <summary>Reads the text of one file format. Implementations guard against hostile input before parsing.</summary>
public interface IDocumentReader
{
    /// <summary>File extensions handled, lower case with the dot (".docx").</summary>
    IReadOnlyCollection<string> Extensions { get; }

    /// <summary>Reads the file's text; throws <see cref="DocumentReadException"/> with a reason for a bad file.</summary>
    ExtractedText Read(string path, CancellationToken cancellationToken);
}
