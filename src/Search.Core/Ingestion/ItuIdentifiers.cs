using System.Globalization;
using System.Text.RegularExpressions;

namespace Search.Core.Ingestion;

/// <summary>
/// Recognises and normalises ITU-T identifiers: document numbers (<c>SG17-LS269</c>,
/// <c>SG13-TD329-R1/WP3</c>, <c>C869</c>), Questions (<c>Q15/11</c>), Recommendations
/// (<c>X.1205</c>, <c>Y.Sup70</c>, <c>X.sec-qkdkm</c>), Resolutions and study groups.
/// Shared by metadata extraction and the analyzer so that both agree on every form.
/// </summary>
public static partial class ItuIdentifiers
{
    /// <summary>Series letters of ITU-T Recommendations (B, C and W are not allocated: "B.4" is a clause of an annex).</summary>
    private const string Series = "ADEFGHIJKLMNOPQRSTUVXYZ";

    [GeneratedRegex(@"(?<![\w/.-])(?<g>SG\s?\d{1,2}|TSAG)-(?<k>C|TD|LS|R)\s?0*(?<n>\d{1,5})(?:-R(?<rev>\d{1,2}))?(?:[/-](?<venue>WP\d|GEN|PLEN|P)(?![\w]))?(?:_att(?<att>\d{1,2}))?(?![\w])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    public static partial Regex FullDocumentNumber();

    /// <summary>
    /// What every <see cref="FullDocumentNumber"/> holds, with the same case rules: its group, "SG…" or
    /// "TSAG". A text without either (most prose) is not scanned for numbers at all: the full expression,
    /// with its look-behind, tries each 's' and 't' of the text.
    /// </summary>
    [GeneratedRegex(@"SG|TSAG", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex GroupMark();

    /// <summary>False when <paramref name="text"/> cannot hold a <see cref="FullDocumentNumber"/> (it names no "SG" or "TSAG").</summary>
    public static bool MayHoldDocumentNumber(string text) => GroupMark().IsMatch(text);

    [GeneratedRegex(@"\bCOM\s?(?<g>\d{1,2})\s?[-–]\s?(?<k>C|R|TD|LS)\s?0*(?<n>\d{1,5})\b", RegexOptions.CultureInvariant)]
    private static partial Regex OldStyleNumber();

    [GeneratedRegex(@"(?<![\w/.-])(?<k>C|TD|LS)\s?0*(?<n>\d{1,5})(?:-R(?<rev>\d{1,2}))?(?:/(?<venue>WP\d|GEN|PLEN|P)\b)?(?![\w.-]*\w)", RegexOptions.CultureInvariant)]
    public static partial Regex ShortDocumentNumber();

    [GeneratedRegex(@"\bsp(?<sp>\d{2})-(?<g>sg\d{1,2}|tsag)-(?<dir>[oi])(?<k>LS|C|TD)-0*(?<n>\d{1,5})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    public static partial Regex HandleNumber();

    [GeneratedRegex(@"(?<![\w/])(?:Q\.?\s?|Questions?\s+)(?<q>\d{1,2})/(?<g>\d{1,2})(?![\w/])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    public static partial Regex Question();

    [GeneratedRegex(@"(?<![\w/.])(?<q>\d{1,2})/(?<g>\d{1,2})(?![\w/.])", RegexOptions.CultureInvariant)]
    private static partial Regex BareQuestion();

    [GeneratedRegex(@"(?<![\w.])(?<s>[A-Z])\.(?:(?<sup>Sup)\.?\s?(?<n>\d{1,3})|(?<n>\d{1,4}(?:\.\d{1,3})?)(?![\d])|(?<p>(?:[A-Za-z][A-Za-z0-9]*)(?:-[A-Za-z0-9]+)+))", RegexOptions.CultureInvariant)]
    public static partial Regex Recommendation();

    [GeneratedRegex(@"\b(?:Annex|Appendix|clause|Clause|Table|Figure|section|Section)\s+$", RegexOptions.CultureInvariant)]
    private static partial Regex NotRecommendationPrefix();

    [GeneratedRegex(@"\bResolutions?\s+(?<n>\d{1,3})(?:\s*\((?:Rev\.[^)]*?)?\s*(?<by>WTSA|PP|WTDC|WRA|Plenipotentiary)[^)]*\))?", RegexOptions.CultureInvariant)]
    public static partial Regex Resolution();

    [GeneratedRegex(@"\b(?:ITU-T\s+)?(?:SG\s?(?<n>\d{1,2})(?![\d]|s\b)|Study\s+Group\s+(?<n>\d{1,2})\b|COM\s?(?<n>\d{1,2})\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    public static partial Regex StudyGroup();

    [GeneratedRegex(@"\bStudy\s+Groups\s+(?<list>\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StudyGroupList();

    [GeneratedRegex(@"\b(?<a>WTSA|PP|WTDC|WRC)-(?<y>\d{2})\b", RegexOptions.CultureInvariant)]
    public static partial Regex Assembly();

    /// <summary>Canonical form of a full document number: <c>SG17-C123</c>, <c>SG13-TD329-R1/WP3</c>.</summary>
    public static string NormalizeDocumentNumber(Match m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var group = m.Groups["g"].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (group.All(char.IsDigit))
        {
            group = "SG" + group;
        }

        var result = $"{group}-{m.Groups["k"].Value.ToUpperInvariant()}{TrimZeros(m.Groups["n"].Value)}";
        if (m.Groups["rev"].Success)
        {
            result += "-R" + TrimZeros(m.Groups["rev"].Value);
        }

        if (m.Groups["venue"].Success)
        {
            result += "/" + m.Groups["venue"].Value.ToUpperInvariant();
        }

        if (m.Groups["att"].Success)
        {
            result += "_att" + TrimZeros(m.Groups["att"].Value);
        }

        return result;
    }

    /// <summary>Canonical form of a short reference: <c>C869</c>, <c>TD3240</c>, <c>TD329-R1/WP3</c>.</summary>
    public static string NormalizeShortNumber(Match m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var result = m.Groups["k"].Value + TrimZeros(m.Groups["n"].Value);
        if (m.Groups["rev"].Success)
        {
            result += "-R" + TrimZeros(m.Groups["rev"].Value);
        }

        if (m.Groups["venue"].Success)
        {
            result += "/" + m.Groups["venue"].Value.ToUpperInvariant();
        }

        return result;
    }

    /// <summary>Every full document number in the text (old "COM 17-C 123" style included).</summary>
    public static IEnumerable<string> DocumentNumbers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (MayHoldDocumentNumber(text))
        {
            foreach (Match m in FullDocumentNumber().Matches(text))
            {
                yield return NormalizeDocumentNumber(m);
            }
        }

        foreach (Match m in OldStyleNumber().Matches(text))
        {
            yield return NormalizeDocumentNumber(m);
        }
    }

    /// <summary>
    /// Short references (<c>C869</c>, <c>TD3240</c>) that are not part of a full number. A letter and
    /// digits that name a product ("Intel C610 series chipset", "a C236 processor") are not contributions.
    /// </summary>
    public static IEnumerable<string> ShortNumbers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var masked = MayHoldDocumentNumber(text) ? FullDocumentNumber().Replace(text, m => new string(' ', m.Length)) : text;
        foreach (Match m in ShortDocumentNumber().Matches(masked))
        {
            var after = masked[(m.Index + m.Length)..Math.Min(masked.Length, m.Index + m.Length + 24)];
            var before = masked[Math.Max(0, m.Index - 16)..m.Index];
            if (ProductAfter().IsMatch(after) || ProductBefore().IsMatch(before))
            {
                continue;
            }

            yield return NormalizeShortNumber(m);
        }
    }

    [GeneratedRegex(@"^\s+(?:series\b|chipsets?\b|chips?\b|processors?\b|CPUs?\b|SoCs?\b|controllers?\b|motherboards?\b|platform\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ProductAfter();

    [GeneratedRegex(@"\b(?:Intel|AMD|Qualcomm|Broadcom|MediaTek|Nvidia|NVIDIA|Samsung|Realtek)\s+$", RegexOptions.CultureInvariant)]
    private static partial Regex ProductBefore();

    [GeneratedRegex(@"(?<![\w.])(?<a>[A-Z]\.(?:\d{1,4}(?:\.\d{1,3})?))\s*[–—]\s*(?<b>[A-Z]\.\d{1,4}(?:\.\d{1,3})?)(?![\d])", RegexOptions.CultureInvariant)]
    private static partial Regex RecommendationRange();

    /// <summary>Ranges of Recommendations cited as one (<c>Q.5050–Q.5069</c>), each written once with an en dash.</summary>
    public static IEnumerable<string> RecommendationRanges(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (Match m in RecommendationRange().Matches(text))
        {
            if (m.Groups["a"].Value[0] == m.Groups["b"].Value[0])
            {
                yield return $"{m.Groups["a"].Value}–{m.Groups["b"].Value}";
            }
        }
    }

    /// <summary>Questions written <c>Q15/11</c>, <c>Q.15/11</c> or <c>Question 15/11</c>, normalised to <c>Q15/11</c>.</summary>
    public static IEnumerable<string> Questions(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (Match m in Question().Matches(text))
        {
            yield return $"Q{TrimZeros(m.Groups["q"].Value)}/{TrimZeros(m.Groups["g"].Value)}";
        }
    }

    /// <summary>Questions in a header field, where the ITU way is the bare <c>15/11</c>.</summary>
    public static IEnumerable<string> QuestionsInField(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (Match m in BareQuestion().Matches(value))
        {
            yield return $"Q{TrimZeros(m.Groups["q"].Value)}/{TrimZeros(m.Groups["g"].Value)}";
        }

        foreach (var q in Questions(value))
        {
            yield return q;
        }
    }

    /// <summary>Recommendations such as <c>X.1205</c>, <c>Y.4500.1</c>, <c>Y.Sup70</c> and work items such as <c>X.sec-qkdkm</c>.</summary>
    public static IEnumerable<string> Recommendations(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ranges = RecommendationRange().Matches(text).Where(r => r.Groups["a"].Value[0] == r.Groups["b"].Value[0]).ToList();
        foreach (Match m in Recommendation().Matches(text))
        {
            if (ranges.Exists(r => m.Index >= r.Index && m.Index < r.Index + r.Length))
            {
                continue; // an end of a range (Q.5050–Q.5069): see RecommendationRanges
            }

            if (!Series.Contains(m.Groups["s"].Value, StringComparison.Ordinal))
            {
                continue;
            }

            var before = text[Math.Max(0, m.Index - 12)..m.Index];
            if (NotRecommendationPrefix().IsMatch(before) || IsClauseHeading(text, m))
            {
                continue;
            }

            yield return NormalizeRecommendation(m);
        }
    }

    /// <summary>A clause number heading a line ("A.1&lt;tab&gt;Introduction", "I.2&lt;tab&gt;Discussion"), not a citation.</summary>
    private static bool IsClauseHeading(string text, Match m)
    {
        var end = m.Index + m.Length;
        if (end >= text.Length || text[end] != '\t')
        {
            return false;
        }

        var lineStart = text.LastIndexOf('\n', Math.Max(0, m.Index - 1)) + 1;
        return m.Index == 0 || text.AsSpan(lineStart, m.Index - lineStart).IsWhiteSpace();
    }

    public static string NormalizeRecommendation(Match m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var series = m.Groups["s"].Value;
        if (m.Groups["sup"].Success)
        {
            return $"{series}.Sup{TrimZeros(m.Groups["n"].Value)}";
        }

        return m.Groups["n"].Success ? $"{series}.{m.Groups["n"].Value}" : $"{series}.{m.Groups["p"].Value}";
    }

    /// <summary>Resolutions, with the assembly when the text names it: <c>Resolution 96 (WTSA)</c>.</summary>
    public static IEnumerable<string> Resolutions(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (Match m in Resolution().Matches(text))
        {
            var by = m.Groups["by"].Success ? m.Groups["by"].Value : null;
            if (by == "Plenipotentiary")
            {
                by = "PP";
            }

            yield return by is null ? $"Resolution {m.Groups["n"].Value}" : $"Resolution {m.Groups["n"].Value} ({by})";
        }
    }

    /// <summary>Study groups named in the text (<c>SG17</c>, <c>SG 17</c>, <c>Study Group 17</c>, <c>Study Groups 13 and 17</c>).</summary>
    public static IEnumerable<string> StudyGroups(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (Match m in StudyGroup().Matches(text))
        {
            yield return "SG" + TrimZeros(m.Groups["n"].Value);
        }

        foreach (Match m in StudyGroupList().Matches(text))
        {
            foreach (Match n in Regex.Matches(m.Groups["list"].Value, @"\d{1,2}"))
            {
                yield return "SG" + TrimZeros(n.Value);
            }
        }
    }

    /// <summary>A study group or TSAG named by a short text such as "ITU-T Study Group 17" or "TSAG"; null when none.</summary>
    public static string? GroupName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains("TSAG", StringComparison.OrdinalIgnoreCase)
            || text.Contains("Telecommunication Standardization Advisory Group", StringComparison.OrdinalIgnoreCase))
        {
            return "TSAG";
        }

        var m = StudyGroup().Match(text);
        return m.Success ? "SG" + TrimZeros(m.Groups["n"].Value) : null;
    }

    /// <summary>The study period that contains a date: WTSA-20 closed 2017-2020 in March 2022 and WTSA-24 closed 2022-2024 in October 2024.</summary>
    public static string StudyPeriodOf(DateOnly date) => date switch
    {
        { Year: < 2013 } => FourYearPeriod(date.Year),
        { Year: < 2017 } => "2013-2016",
        _ when date < new DateOnly(2022, 3, 10) => "2017-2020",
        _ when date < new DateOnly(2024, 10, 25) => "2022-2024",
        _ => "2025-2028",
    };

    /// <summary>The four-year study periods before 2013 (1993-1996 … 2009-2012).</summary>
    private static string FourYearPeriod(int year)
    {
        var start = 2009 - (((2012 - year) / 4) * 4);
        return $"{start}-{start + 3}";
    }

    /// <summary>The study period of an ITU handle code such as <c>sp16</c> (the 16th period, 2017-2020).</summary>
    public static string? StudyPeriodOfCode(int sp) => sp switch
    {
        15 => "2013-2016",
        16 => "2017-2020",
        17 => "2022-2024",
        18 => "2025-2028",
        _ => null,
    };

    private static string TrimZeros(string digits)
    {
        var trimmed = digits.TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed;
    }

    internal static int ParseInt(string digits) => int.Parse(digits, CultureInfo.InvariantCulture);
}
