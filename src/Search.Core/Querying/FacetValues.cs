using System.Globalization;
using System.Text.RegularExpressions;
using Search.Core.Indexing;
using Search.Core.Ingestion;

namespace Search.Core.Querying;

/// <summary>Normalises facet names and values as users type them (<c>sg=17</c>, <c>question=15/11</c>, <c>kind=liaison</c>).</summary>
public static partial class FacetValues
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sg"] = IndexFields.StudyGroup,
        ["group"] = IndexFields.StudyGroup,
        ["studygroup"] = IndexFields.StudyGroup,
        ["study_group"] = IndexFields.StudyGroup,
        ["question"] = IndexFields.Question,
        ["q"] = IndexFields.Question,
        ["kind"] = IndexFields.Kind,
        ["type"] = IndexFields.Kind,
        ["period"] = IndexFields.StudyPeriod,
        ["studyperiod"] = IndexFields.StudyPeriod,
        ["study_period"] = IndexFields.StudyPeriod,
        ["year"] = IndexFields.Year,
        ["topic"] = IndexFields.Topic,
        ["format"] = IndexFields.Format,
        ["series"] = IndexFields.Series,
        ["mentions"] = IndexFields.Mentions,
        ["mentioned"] = IndexFields.Mentions,
    };

    [GeneratedRegex(@"^(?:Q\.?\s?|Question\s+)?(?<q>\d{1,2})/(?<g>\d{1,2})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QuestionValue();

    [GeneratedRegex(@"^(?<p>\d{4})\s*[-–/]\s*(?<q>\d{2,4})$", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodValue();

    /// <summary>The facet field for a name users may type, or null when there is none.</summary>
    public static string? FieldOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Aliases.TryGetValue(name.Trim(), out var field) ? field : null;
    }

    /// <summary>The indexed form of a facet value.</summary>
    public static string Normalize(string field, string value)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(value);
        var v = value.Trim();
        switch (field)
        {
            case IndexFields.StudyGroup:
            case IndexFields.Mentions:
                return ItuIdentifiers.GroupName(v) ?? (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? $"SG{n}" : v.ToUpperInvariant());
            case IndexFields.Question:
                var q = QuestionValue().Match(v);
                return q.Success
                    ? $"Q{int.Parse(q.Groups["q"].Value, CultureInfo.InvariantCulture)}/{int.Parse(q.Groups["g"].Value, CultureInfo.InvariantCulture)}"
                    : v.ToUpperInvariant();
            case IndexFields.Kind:
                return DocumentMetadata.ParseKind(v) is { } kind ? DocumentMetadata.KindCode(kind) : v.ToLowerInvariant();
            case IndexFields.StudyPeriod:
                var p = PeriodValue().Match(v);
                if (!p.Success)
                {
                    return v;
                }

                var end = p.Groups["q"].Value;
                return $"{p.Groups["p"].Value}-{(end.Length == 2 ? p.Groups["p"].Value[..2] + end : end)}";
            case IndexFields.Topic:
            case IndexFields.Format:
                return v.ToLowerInvariant().TrimStart('.');
            case IndexFields.Series:
                return v.ToUpperInvariant().TrimEnd('.');
            default:
                return v;
        }
    }
}
