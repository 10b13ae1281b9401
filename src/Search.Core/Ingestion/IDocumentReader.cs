namespace Search.Core.Ingestion;

/// <summary>Reads the text of one file format. Implementations guard against hostile input before parsing.</summary>
public interface IDocumentReader
{
    /// <summary>File extensions handled, lower case with the dot (".docx").</summary>
    IReadOnlyCollection<string> Extensions { get; }

    /// <summary>Reads the file's text; throws <see cref="DocumentReadException"/> with a reason for a bad file.</summary>
    ExtractedText Read(string path, CancellationToken cancellationToken);

    /// <summary>
    /// True when the reader takes the whole file as bytes (<see cref="Read(byte[], CancellationToken)"/>):
    /// ingestion then reads a file once, for its content hash and its text, instead of twice.
    /// </summary>
    bool ReadsBytes => false;

    /// <summary>Reads the text of a file from its bytes, already read within the size limit (only when <see cref="ReadsBytes"/>).</summary>
    ExtractedText Read(byte[] bytes, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} reads files from their path");
}
