using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Search.Core.Ingestion;

/// <summary>
/// Recognises the furniture that every published ITU-T text carries and that says nothing about its
/// subject: the cover page's banner and series heading ("SERIES Y: GLOBAL INFORMATION
/// INFRASTRUCTURE…", "PREPUBLISHED RECOMMENDATION"), the series table ("ITU-T Y-SERIES
/// RECOMMENDATIONS … Q.5050–Q.5069 COMBATING COUNTERFEITING AND STOLEN ICT DEVICES … For further
/// details…") and the list of all series on the back cover, the History table, the ITU foreword with
/// its "NOTE – In this Recommendation…" and intellectual-property paragraphs, the copyright lines and
/// the table of contents. Such blocks are flagged (<see cref="TextBlock.IsBoilerplate"/>): they stay
/// in the stored text but are kept out of topics, references, passages, overlap evidence and snippets,
/// because the series table alone names subjects (counterfeiting, IoT) and 100-odd Recommendation
/// ranges that a document is not about.
/// </summary>
public static partial class Boilerplate
{
    /// <summary>The cover page is at most this many blocks.</summary>
    private const int CoverBlocks = 14;

    [GeneratedRegex(@"^ITU-T\s+[A-Z]-SERIES\s+RECOMMENDATIONS$", RegexOptions.CultureInvariant)]
    private static partial Regex SeriesTableStart();

    [GeneratedRegex(@"^For further details,? please refer to the list of ITU-T Recommendations\.?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SeriesTableEnd();

    [GeneratedRegex(@"^SERIES OF ITU-T RECOMMENDATIONS$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AllSeriesStart();

    [GeneratedRegex(@"^(?:Series [A-Z]\b.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex AllSeriesRow();

    [GeneratedRegex(@"^FOREWORD$", RegexOptions.CultureInvariant)]
    private static partial Regex ForewordStart();

    [GeneratedRegex(@"All rights reserved\. No part of this publication", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Copyright();

    [GeneratedRegex(@"^(?:©\s*)?ITU\s+(?:19|20)\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex CopyrightYear();

    [GeneratedRegex(@"^(?:Table of Contents|CONTENTS|Contents)$", RegexOptions.CultureInvariant)]
    private static partial Regex ContentsStart();

    [GeneratedRegex(@"^(?:Page|.*\t\s*(?:\d{1,4}|[ivxlc]{1,6}))$", RegexOptions.CultureInvariant)]
    private static partial Regex ContentsEntry();

    [GeneratedRegex(@"International Telecommunication Union|STANDARDIZATION\s*SECTOR|^\s*SERIES\s+[A-Z]\s*:|PREPUBLISHED\s+RECOMMENDATION|This page is intentionally (?:left )?blank|^ITU-T(?:\t|$)", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex CoverFurniture();

    [GeneratedRegex(@"^\s*(?:SERIES\s+[A-Z]\s*:|CAUTION|WORLD TELECOMMUNICATION STANDARDIZATION ASSEMBLY)", RegexOptions.CultureInvariant)]
    private static partial Regex CoverHeading();

    [GeneratedRegex(@"^History\s.*\bEdition\b.*\bApproval\b", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex HistoryTable();

    [GeneratedRegex(@"^(?:In this Recommendation, the expression ""Administration""|Compliance with this Recommendation is voluntary|ITU draws attention to the possibility that the practice or implementation|As of the date of approval of this Recommendation, ITU)", RegexOptions.CultureInvariant)]
    private static partial Regex ForewordSentence();

    /// <summary>The blocks with the furniture flagged; blocks already flagged stay flagged.</summary>
    public static ExtractedText Mark(ExtractedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var blocks = text.Blocks;
        var flags = blocks.Select(b => b.IsBoilerplate).ToArray();
        var lines = blocks.Select(b => WhiteSpace.OneSpaced(b.Text.Replace('\u00A0', ' ')).Trim()).ToArray();
        // A publication's cover (a Recommendation's, a Resolution's): the banner and a series or assembly heading,
        // not the banner of a contribution's or liaison's header table, whose rows carry its own metadata.
        var isCover = blocks.Count > 0
            && lines.Take(CoverBlocks).Any(l => l.Contains("STANDARDIZATION", StringComparison.Ordinal) && l.Contains("SECTOR", StringComparison.Ordinal))
            && blocks.Take(CoverBlocks).Any(b => (b.Cells ?? [b.Text]).Any(c => CoverHeading().IsMatch(c)));

        for (var i = 0; i < blocks.Count; i++)
        {
            var line = lines[i];
            if (isCover && i < CoverBlocks && CoverFurniture().IsMatch(blocks[i].Text))
            {
                flags[i] = true;
            }
            else if (SeriesTableStart().IsMatch(line))
            {
                var end = FindEnd(lines, i, 200, l => SeriesTableEnd().IsMatch(l));
                if (end < 0)
                {
                    end = i;
                    while (end + 1 < blocks.Count && end - i < 200 && (blocks[end + 1].Cells is not null || IsUpper(lines[end + 1])))
                    {
                        end++;
                    }
                }

                Flag(flags, i, end);
                i = end;
            }
            else if (AllSeriesStart().IsMatch(line.Split('\t')[0]))
            {
                var end = i;
                while (end + 1 < blocks.Count && AllSeriesRow().IsMatch(lines[end + 1]))
                {
                    end++;
                }

                Flag(flags, i, end);
                i = end;
            }
            else if (ForewordStart().IsMatch(line))
            {
                var end = FindEnd(lines, i, 40, l => Copyright().IsMatch(l));
                Flag(flags, i, end < 0 ? i : end);
                i = end < 0 ? i : end;
            }
            else if (ContentsStart().IsMatch(line))
            {
                var end = i;
                while (end + 1 < blocks.Count && end - i < 2000 && IsContentsEntry(blocks[end + 1]))
                {
                    end++;
                }

                Flag(flags, i, end);
                i = end;
            }
            else if (Copyright().IsMatch(line) || CopyrightYear().IsMatch(line) || ForewordSentence().IsMatch(line)
                || (blocks[i].Cells is not null && HistoryTable().IsMatch(blocks[i].Text)))
            {
                flags[i] = true;
            }
        }

        if (flags.SequenceEqual(blocks.Select(b => b.IsBoilerplate)))
        {
            return text;
        }

        return new ExtractedText(blocks.Select((b, i) => flags[i] == b.IsBoilerplate ? b : b with { IsBoilerplate = flags[i] }).ToList());
    }

    /// <summary>Flags as ranges of 0-based positions: <c>0-12,40-80</c> (a single position is written alone: <c>7</c>); null when none is set.</summary>
    public static string? Ranges(IReadOnlyList<bool> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var sb = new StringBuilder();
        for (var i = 0; i < flags.Count; i++)
        {
            if (!flags[i])
            {
                continue;
            }

            var start = i;
            while (i + 1 < flags.Count && flags[i + 1])
            {
                i++;
            }

            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(start.ToString(CultureInfo.InvariantCulture));
            if (i > start)
            {
                sb.Append('-').Append(i.ToString(CultureInfo.InvariantCulture));
            }
        }

        return sb.Length == 0 ? null : sb.ToString();
    }

    /// <summary>Whether position <paramref name="index"/> is inside the <see cref="Ranges"/> text <paramref name="ranges"/> (malformed parts are ignored).</summary>
    public static Func<int, bool> Contains(string? ranges)
    {
        if (string.IsNullOrWhiteSpace(ranges))
        {
            return _ => false;
        }

        var parsed = new List<(int Start, int End)>();
        foreach (var part in ranges.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = dash < 0 ? part : part[..dash];
            var last = dash < 0 ? part : part[(dash + 1)..];
            if (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                && int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var e))
            {
                parsed.Add((s, e));
            }
        }

        return index => parsed.Exists(r => index >= r.Start && index <= r.End);
    }

    private static int FindEnd(string[] lines, int start, int maxBlocks, Func<string, bool> isEnd)
    {
        for (var j = start + 1; j < lines.Length && j - start <= maxBlocks; j++)
        {
            if (isEnd(lines[j]))
            {
                return j;
            }
        }

        return -1;
    }

    private static void Flag(bool[] flags, int start, int end)
    {
        for (var j = start; j <= end; j++)
        {
            flags[j] = true;
        }
    }

    private static bool IsUpper(string line) => line.Any(char.IsLetter) && !line.Any(char.IsLower);

    /// <summary>A line of a table of contents: a number and title ending in a page number, or a table row of such lines.</summary>
    private static bool IsContentsEntry(TextBlock block)
    {
        var lines = block.Text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return lines.Count > 0 && lines.All(l => ContentsEntry().IsMatch(l) || l.All(c => char.IsDigit(c) || char.IsWhiteSpace(c)));
    }
}
