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
    [JsonStringEnumMemberName("recommendation")]
    Recommendation,
}

/// <summary>One row of a Recommendation's History table: an edition, amendment, corrigendum or annex and its approval.</summary>
public sealed record RecommendationEdition(string? Edition, string Recommendation, DateOnly? Approval, string? StudyGroup, string? UniqueId);

/// <summary>
/// What a published Recommendation (or an amendment, corrigendum, erratum, supplement, implementers'
/// guide, annex or appendix of one) says about itself on its cover page, in its History table and in
/// ITU's file name (<c>T-REC-K.20-201810-I!!MSW-E</c>).
/// </summary>
public sealed record RecommendationInfo
{
    /// <summary>Its numbers, canonical first: <c>Y.4500.15</c>, <c>Q.3955</c>.</summary>
    public IReadOnlyList<string> Numbers { get; init; } = [];

    /// <summary>The series letter: <c>Y</c>.</summary>
    public string? Series { get; init; }

    /// <summary>null for the Recommendation itself, else amendment, corrigendum, erratum, supplement, implementers-guide, annex or appendix.</summary>
    public string? SubKind { get; init; }

    /// <summary>Which one of its sub-kind: <c>Amd.1</c>, <c>Cor.2</c>, <c>Err.1</c>, <c>Annex F1</c>, <c>Sup.5</c>.</summary>
    public string? Part { get; init; }

    /// <summary>in-force, or pre-published (an unedited prepublication, <c>-P</c> in the file name).</summary>
    public string? Status { get; init; }

    /// <summary>The current edition's approval date (the History table's row of this text, else the cover's month).</summary>
    public DateOnly? Approval { get; init; }

    /// <summary>The current edition's number in the History table (<c>14.0</c>).</summary>
    public string? Edition { get; init; }

    /// <summary>ITU's unique identifier of the current edition (<c>11.1002/1000/13629</c>).</summary>
    public string? UniqueId { get; init; }

    /// <summary>The History table's rows, oldest first (the current edition included).</summary>
    public IReadOnlyList<RecommendationEdition> History { get; init; } = [];
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

    /// <summary>Study groups only named in the text (a liaison received from them, work they do): not the document's own nor its Questions'.</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>Cover-page, History-table and file-name facts of a Recommendation; null for other kinds.</summary>
    public RecommendationInfo? Recommendation { get; init; }

    /// <summary>Fields that could not be found, by name.</summary>
    public IReadOnlyList<string> MissingFields { get; init; } = [];

    /// <summary>Short code used in facets, filters and JSON: contribution, td, ls, report, recommendation, other.</summary>
    public static string KindCode(DocumentKind kind) => kind switch
    {
        DocumentKind.Contribution => "contribution",
        DocumentKind.TemporaryDocument => "td",
        DocumentKind.LiaisonStatement => "ls",
        DocumentKind.Report => "report",
        DocumentKind.Recommendation => "recommendation",
        _ => "other",
    };

    public static string KindLabel(DocumentKind kind) => kind switch
    {
        DocumentKind.Contribution => "Contribution",
        DocumentKind.TemporaryDocument => "TD",
        DocumentKind.LiaisonStatement => "Liaison statement",
        DocumentKind.Report => "Report",
        DocumentKind.Recommendation => "Recommendation",
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
            "rec" or "recommendation" or "recommendations" => DocumentKind.Recommendation,
            "other" => DocumentKind.Other,
            _ => null,
        };
    }

    /// <summary>The title to show: the title, else the kind and number, else null.</summary>
    public string? DisplayTitle => Title ?? (Number is null ? null : $"{KindLabel(Kind)} {Number}");
}
