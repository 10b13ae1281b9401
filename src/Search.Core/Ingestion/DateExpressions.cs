using System.Globalization;
using System.Text.RegularExpressions;

namespace Search.Core.Ingestion;

/// <summary>A date or a date range found in text, with its position.</summary>
public sealed record DateSpan(DateOnly Start, DateOnly End, int Index, int Length);

/// <summary>Finds dates as ITU documents write them: "24 August – 3 September 2020", "4-13 September 2024", "15 January 2025", "2024-09-04", "2025/12/03".</summary>
public static partial class DateExpressions
{
    private const string Month = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec";

    [GeneratedRegex(@"\b(?<d1>\d{1,2})(?:\s+(?<m1>" + Month + @")\.?(?:\s+(?<y1>\d{4}))?)?\s*(?:[-–—]|to|until)\s*(?<d2>\d{1,2})\s+(?<m2>" + Month + @")\.?,?\s+(?<y2>\d{4})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Range();

    [GeneratedRegex(@"\b(?<d>\d{1,2})(?:st|nd|rd|th)?\s+(?<m>" + Month + @")\.?,?\s+(?<y>\d{4})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DayMonthYear();

    [GeneratedRegex(@"\b(?<m>" + Month + @")\.?\s+(?<d>\d{1,2}),?\s+(?<y>\d{4})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MonthDayYear();

    [GeneratedRegex(@"\b(?<y>(?:19|20)\d{2})(?<sep>[-/])(?<m>\d{2})\k<sep>(?<d>\d{2})\b", RegexOptions.CultureInvariant)]
    private static partial Regex Iso();

    /// <summary>All dates and ranges in the text, in order of position, without overlaps (ranges win).</summary>
    public static IReadOnlyList<DateSpan> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<DateSpan>();
        if (!MayHoldWrittenDate(text))
        {
            // No month-named date can match: only ISO dates are looked for.
            AddIso(found, text);
            return found;
        }

        foreach (Match m in Range().Matches(text))
        {
            var y2 = ItuIdentifiers.ParseInt(m.Groups["y2"].Value);
            var m2 = MonthNumber(m.Groups["m2"].Value);
            var m1 = m.Groups["m1"].Success ? MonthNumber(m.Groups["m1"].Value) : m2;
            var y1 = m.Groups["y1"].Success ? ItuIdentifiers.ParseInt(m.Groups["y1"].Value) : (m1 > m2 ? y2 - 1 : y2);
            if (TryDate(y1, m1, m.Groups["d1"].Value, out var start) && TryDate(y2, m2, m.Groups["d2"].Value, out var end) && start <= end)
            {
                found.Add(new DateSpan(start, end, m.Index, m.Length));
            }
        }

        AddSingles(found, DayMonthYear().Matches(text));
        AddSingles(found, MonthDayYear().Matches(text));
        AddIso(found, text);
        found.Sort((a, b) => a.Index.CompareTo(b.Index));
        return found;
    }

    private static void AddIso(List<DateSpan> found, string text)
    {
        foreach (Match m in Iso().Matches(text))
        {
            if (TryDate(ItuIdentifiers.ParseInt(m.Groups["y"].Value), ItuIdentifiers.ParseInt(m.Groups["m"].Value), m.Groups["d"].Value, out var d))
            {
                AddIfFree(found, new DateSpan(d, d, m.Index, m.Length));
            }
        }
    }

    /// <summary>
    /// False when none of <see cref="Range"/>, <see cref="DayMonthYear"/> and <see cref="MonthDayYear"/> can
    /// match: each ends in a letter (the month) or a digit (the day), then an optional '.' and ',', white
    /// space and the four digits of the year. Prose has few such years and the month names' first letters
    /// are everywhere, so this look at the digits spares the three expressions most texts ("Year: 2025" is not one).
    /// </summary>
    internal static bool MayHoldWrittenDate(string text)
    {
        for (var j = 1; j + 4 <= text.Length; j++)
        {
            if (!char.IsWhiteSpace(text[j - 1]) || !char.IsDigit(text[j]) || !char.IsDigit(text[j + 1]) || !char.IsDigit(text[j + 2]) || !char.IsDigit(text[j + 3]))
            {
                continue;
            }

            var k = j - 1;
            while (k >= 0 && char.IsWhiteSpace(text[k]))
            {
                k--;
            }

            if (k >= 0 && text[k] == ',')
            {
                k--;
            }

            if (k >= 0 && text[k] == '.')
            {
                k--;
            }

            if (k >= 0 && char.IsLetterOrDigit(text[k]))
            {
                return true;
            }
        }

        return false;
    }

    private static void AddSingles(List<DateSpan> found, MatchCollection matches)
    {
        foreach (Match m in matches)
        {
            if (TryDate(ItuIdentifiers.ParseInt(m.Groups["y"].Value), MonthNumber(m.Groups["m"].Value), m.Groups["d"].Value, out var d))
            {
                AddIfFree(found, new DateSpan(d, d, m.Index, m.Length));
            }
        }
    }

    private static void AddIfFree(List<DateSpan> found, DateSpan span)
    {
        if (!found.Any(f => span.Index < f.Index + f.Length && f.Index < span.Index + span.Length))
        {
            found.Add(span);
        }
    }

    private static bool TryDate(int year, int month, string day, out DateOnly date)
    {
        date = default;
        var d = ItuIdentifiers.ParseInt(day);
        if (year is < 1950 or > 2100 || month is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, d);
        return true;
    }

    private static int MonthNumber(string name)
    {
        var key = name[..3].ToLowerInvariant();
        return key switch
        {
            "jan" => 1,
            "feb" => 2,
            "mar" => 3,
            "apr" => 4,
            "may" => 5,
            "jun" => 6,
            "jul" => 7,
            "aug" => 8,
            "sep" => 9,
            "oct" => 10,
            "nov" => 11,
            _ => 12,
        };
    }

    /// <summary>ISO-8601 text of a date, for JSON and CSV.</summary>
    public static string Iso8601(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
