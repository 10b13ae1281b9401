using System.Text.Json.Serialization;

namespace Search.Core.Ingestion;

/// <summary>Kinds of ITU-T documents.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DocumentKind>))]
public enum DocumentKind
{
    [JsonStringEnumMemberName("other")]
    Other,
    [JsonStringEnumMemberName("contribution")]
    Contribution,
    [JsonStringEnumMemberName("td")]
    TemporaryDocument,
    [JsonStringEnumMemberName("ls")]
    LiaisonStatement,
    [JsonStringEnumMemberName("report")]
    Report,
}

/// <summary>References a document makes to other documents.</summary>
public sealed record DocumentReferences(
    IReadOnlyList<string> Documents,
    IReadOnlyList<string> Recommendations,
    IReadOnlyList<string> Resolutions)
{
    public static DocumentReferences Empty { get; } = new([], [], []);
}

/// <summary>ITU metadata extracted from a document's header and text.</summary>
public sealed record DocumentMetadata
{
    public DocumentKind Kind { get; init; }

    /// <summary>Canonical number such as <c>SG17-LS269</c> or <c>SG13-TD329-R1/WP3</c>.</summary>
    public string? Number { get; init; }

    /// <summary>The group that issued the document (<c>SG17</c> or <c>TSAG</c>).</summary>
    public string? Group { get; init; }

    /// <summary>Study groups the document belongs to or deals with: its own, those it names and those of its Questions.</summary>
    public IReadOnlyList<string> StudyGroups { get; init; } = [];

    public string? StudyPeriod { get; init; }

    /// <summary>Questions normalised as <c>Q15/11</c>.</summary>
    public IReadOnlyList<string> Questions { get; init; } = [];

    public string? Source { get; init; }

    /// <summary>Who sent it, as a group when one is named (<c>SG17</c>), else the source text.</summary>
    public string? From { get; init; }

    /// <summary>Addressees of a liaison statement (all three lists, or the addressee named in the text).</summary>
    public IReadOnlyList<string> To { get; init; } = [];

    public IReadOnlyList<string> ForAction { get; init; } = [];

    public IReadOnlyList<string> ForComment { get; init; } = [];

    public IReadOnlyList<string> ForInformation { get; init; } = [];

    public string? Title { get; init; }

    public string? Purpose { get; init; }

    public IReadOnlyList<string> Contacts { get; init; } = [];

    public IReadOnlyList<string> Keywords { get; init; } = [];

    public string? Abstract { get; init; }

    public string? Place { get; init; }

    /// <summary>The document's date: the meeting's first day when known, else the first date found.</summary>
    public DateOnly? Date { get; init; }

    public DateOnly? MeetingStart { get; init; }

    public DateOnly? MeetingEnd { get; init; }

    public string? Approval { get; init; }

    public DateOnly? Deadline { get; init; }

    /// <summary>Documents this one answers (<c>TSAG-LS27</c>).</summary>
    public IReadOnlyList<string> RepliesTo { get; init; } = [];

    public DocumentReferences References { get; init; } = DocumentReferences.Empty;

    /// <summary>Assemblies the text is set against (<c>WTSA-20</c>).</summary>
    public IReadOnlyList<string> Assemblies { get; init; } = [];

    /// <summary>Fields that could not be found, by name.</summary>
    public IReadOnlyList<string> MissingFields { get; init; } = [];

    /// <summary>Short code used in facets, filters and JSON: contribution, td, ls, report, other.</summary>
    public static string KindCode(DocumentKind kind) => kind switch
    {
        DocumentKind.Contribution => "contribution",
        DocumentKind.TemporaryDocument => "td",
        DocumentKind.LiaisonStatement => "ls",
        DocumentKind.Report => "report",
        _ => "other",
    };

    public static string KindLabel(DocumentKind kind) => kind switch
    {
        DocumentKind.Contribution => "Contribution",
        DocumentKind.TemporaryDocument => "TD",
        DocumentKind.LiaisonStatement => "Liaison statement",
        DocumentKind.Report => "Report",
        _ => "Other",
    };

    /// <summary>Parses a kind as users write it (ls, liaison, liaison statement, td, contribution, c, report, r).</summary>
    public static DocumentKind? ParseKind(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToLowerInvariant().Replace('_', ' ').Replace('-', ' ') switch
        {
            "ls" or "liaison" or "liaison statement" or "liaisonstatement" or "liaison statements" => DocumentKind.LiaisonStatement,
            "td" or "tds" or "temporary document" or "temporarydocument" => DocumentKind.TemporaryDocument,
            "c" or "contribution" or "contributions" => DocumentKind.Contribution,
            "r" or "report" or "reports" => DocumentKind.Report,
            "other" => DocumentKind.Other,
            _ => null,
        };
    }

    /// <summary>The title to show: the title, else the kind and number, else null.</summary>
    public string? DisplayTitle => Title ?? (Number is null ? null : $"{KindLabel(Kind)} {Number}");
}
