using System.Globalization;
using System.Text.RegularExpressions;

namespace Search.Core.Ingestion;

/// <summary>What <see cref="RecommendationExtractor"/> found: the Recommendation facts, its title and responsible group.</summary>
public sealed record RecommendationFacts(RecommendationInfo Info, string? Title, string? Group);

/// <summary>
/// Recognises a published ITU-T Recommendation (and its amendments, corrigenda, errata, supplements,
/// implementers' guides and annexes) from its cover page ("ITU-T | Y.4500.15/Q.3955", "(03/2018)",
/// "SERIES Y: …", the title block), its History table (edition, Recommendation, approval, study
/// group, unique ID: the row of this text, the last one when several, is the current edition) and
/// ITU's file name (<c>T-REC-K.20-201810-I!!MSW-E</c>, <c>!</c> or <c>_</c>; <c>Amd1</c>,
/// <c>Cor2</c>, <c>Err1</c>, <c>AnnF1</c>; <c>-P</c> pre-published). The cover and History table win
/// over the file name; a month known only from the cover or the file name is dated its first day,
/// unless a date of that month is given near the top ("approved on 23 September 2018").
/// </summary>
public static partial class RecommendationExtractor
{
    private const int CoverBlocks = 14;
    private const int TopBlocks = 40;

    [GeneratedRegex(@"^T-REC-(?<rec>[A-Z]\.[A-Za-z0-9.]+?)-(?<y>\d{4})(?<m>\d{2})-(?<st>[IPS])(?:[!_]+(?<part>(?:Amd|Cor|Err|Ann|App|Add|Sup)[A-Z]?\d+))?[!_]+[A-Z]+-[A-Z]", RegexOptions.CultureInvariant)]
    private static partial Regex TrecFileName();

    [GeneratedRegex(@"^(?<rec>[A-Z]\.\d{1,4}(?:\.\d{1,3})*)-(?<y>\d{4})(?<m>\d{2})(?:-(?<part>(?:Amd|Cor|Err|Ann|App|Add)[A-Z]?\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex ShortFileName();

    [GeneratedRegex(@"^(?<s>[A-Z])\.(?:(?<imp>Imp)(?<n>\d[\d.]*)|(?<sup>Sup)(?<n>\d+)|(?<n>\d[\d.]*))$", RegexOptions.CultureInvariant)]
    private static partial Regex FileRecommendation();

    [GeneratedRegex(@"\((?<m>\d{2})/(?<y>\d{4})\)", RegexOptions.CultureInvariant)]
    private static partial Regex CoverMonth();

    [GeneratedRegex(@"\((?<text>(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|August|September|October|November|December|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\s+\d{4})\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CoverWrittenDate();

    [GeneratedRegex(@"^(?<what>Amendment|Corrigendum|Erratum|Supplement|Annex|Appendix|Addendum)\s+(?<n>[A-Z]?\d+|[IVX]+)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex CoverPart();

    [GeneratedRegex(@"^\s*SERIES\s+[A-Z]\s*:", RegexOptions.CultureInvariant)]
    private static partial Regex SeriesHeading();

    [GeneratedRegex(@"^(?:Recommendation\s+ITU-?T\b|ITU-?T\s+[A-Z]-series|CAUTION|Supplement\s+\d+\s+to\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotTitle();

    [GeneratedRegex(@"(?<y>(?:19|20)\d{2})-(?<m>\d{2})-(?<d>\d{2})", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"\b(?<what>Amd|Cor|Technical\s+Cor|Add|Annex|App|Suppl|Err)\.?\s*(?<n>[A-Z]?\d+|[IVX]+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex HistoryPart();

    [GeneratedRegex(@"\bapproved\b[^.]{0,120}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ApprovedSentence();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Space();

    /// <summary>The Recommendation facts of a text, or null when it is not a published Recommendation.</summary>
    public static RecommendationFacts? Extract(ExtractedText text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var file = FromFileName(Path.GetFileNameWithoutExtension(fileName));
        var cover = FromCover(text.Blocks.Take(CoverBlocks).ToList());
        if (file is null && cover is null)
        {
            return null;
        }

        var numbers = cover?.Numbers is { Count: > 0 } n ? n : file?.Numbers ?? [];
        if (numbers.Count == 0)
        {
            return null;
        }

        var subKind = file?.SubKind ?? cover?.SubKind;
        var part = file?.Part ?? cover?.Part;
        var history = History(text.Blocks);
        var current = CurrentEdition(history, part);
        var month = cover?.Month ?? file?.Month;
        DateOnly? approval = current?.Approval;
        var edition = current;
        if (month is { } mo && (approval is null || new DateOnly(approval.Value.Year, approval.Value.Month, 1) < mo))
        {
            // The History table does not list this text (it predates it): the cover's month, dated by the text when it can be.
            approval = cover?.Day ?? DateNear(text.Blocks, mo) ?? mo;
            edition = null;
        }

        var group = current?.StudyGroup ?? ApprovingGroup(text.Blocks);
        var info = new RecommendationInfo
        {
            Numbers = numbers,
            Series = numbers[0][..1],
            SubKind = subKind,
            Part = part,
            Status = file?.Status ?? (cover?.Prepublished == true ? "pre-published" : "in-force"),
            Approval = approval,
            Edition = edition?.Edition,
            UniqueId = edition?.UniqueId,
            History = history,
        };
        return new RecommendationFacts(info, cover?.Title, group);
    }

    private sealed record Partial(IReadOnlyList<string> Numbers, string? SubKind, string? Part, DateOnly? Month, string? Status)
    {
        public string? Title { get; init; }

        public DateOnly? Day { get; init; }

        public bool Prepublished { get; init; }
    }

    /// <summary>Facts from ITU's file name: <c>T-REC-O.174-201202-I!Cor2!MSW-E</c>, <c>G.650.1-201803</c>.</summary>
    private static Partial? FromFileName(string stem)
    {
        var m = TrecFileName().Match(stem);
        var status = "in-force";
        if (!m.Success)
        {
            m = ShortFileName().Match(stem);
            if (!m.Success)
            {
                return null;
            }
        }
        else if (m.Groups["st"].Value == "P")
        {
            status = "pre-published";
        }

        var rec = FileRecommendation().Match(m.Groups["rec"].Value);
        if (!rec.Success)
        {
            return null;
        }

        var series = rec.Groups["s"].Value;
        string number;
        string? subKind = null;
        string? part = null;
        if (rec.Groups["imp"].Success)
        {
            number = $"{series}.{rec.Groups["n"].Value}";
            subKind = "implementers-guide";
        }
        else if (rec.Groups["sup"].Success)
        {
            number = $"{series}.Sup{rec.Groups["n"].Value}";
            subKind = "supplement";
            part = $"Sup.{rec.Groups["n"].Value}";
        }
        else
        {
            number = $"{series}.{rec.Groups["n"].Value}";
        }

        if (m.Groups["part"].Success)
        {
            (subKind, part) = PartOf(m.Groups["part"].Value);
        }

        var year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
        var month = int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
        DateOnly? first = month is >= 1 and <= 12 && year is >= 1950 and <= 2100 ? new DateOnly(year, month, 1) : null;
        return new Partial([number], subKind, part, first, status);
    }

    /// <summary>The sub-kind and part of a file-name code (<c>Amd1</c>, <c>Cor2</c>, <c>AnnF1</c>, <c>Sup5</c>).</summary>
    private static (string SubKind, string Part) PartOf(string code) => code[..3] switch
    {
        "Amd" => ("amendment", $"Amd.{code[3..]}"),
        "Cor" => ("corrigendum", $"Cor.{code[3..]}"),
        "Err" => ("erratum", $"Err.{code[3..]}"),
        "Ann" => ("annex", $"Annex {code[3..]}"),
        "App" => ("appendix", $"App.{code[3..]}"),
        "Sup" => ("supplement", $"Sup.{code[3..]}"),
        _ => ("addendum", $"Add.{code[3..]}"),
    };

    /// <summary>Facts from the cover page: the number beside "ITU-T", the date, the part, the title block below the series heading.</summary>
    private static Partial? FromCover(List<TextBlock> blocks)
    {
        if (!blocks.Any(b => b.Text.Contains("STANDARDIZATION", StringComparison.Ordinal) && b.Text.Contains("SECTOR", StringComparison.Ordinal)))
        {
            return null;
        }

        List<string> numbers = [];
        string? subKind = null, part = null;
        DateOnly? month = null, day = null;
        string? title = null;
        var prepublished = false;
        var seriesSeen = false;
        foreach (var block in blocks)
        {
            var cells = block.Cells ?? [block.Text];
            for (var i = 0; i < cells.Count; i++)
            {
                var cell = cells[i].Trim();
                if (cell == "ITU-T" && i + 1 < cells.Count && numbers.Count == 0)
                {
                    numbers = CoverNumbers(cells[i + 1]);
                }

                if (CoverMonth().Match(cell) is { Success: true } cm && month is null)
                {
                    var y = int.Parse(cm.Groups["y"].Value, CultureInfo.InvariantCulture);
                    var mo = int.Parse(cm.Groups["m"].Value, CultureInfo.InvariantCulture);
                    month = mo is >= 1 and <= 12 ? new DateOnly(y, mo, 1) : null;
                }
                else if (CoverWrittenDate().Match(cell) is { Success: true } wd && month is null
                    && DateExpressions.Find(wd.Groups["text"].Value) is { Count: > 0 } found)
                {
                    day = found[0].Start;
                    month = new DateOnly(day.Value.Year, day.Value.Month, 1);
                }
                else if (CoverWrittenDate().Match(cell) is { Success: true } mOnly && month is null
                    && DateTime.TryParseExact(mOnly.Groups["text"].Value, "MMMM yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                {
                    month = new DateOnly(parsed.Year, parsed.Month, 1);
                }

                if (month is not null && part is null && CoverPart().Match(cell) is { Success: true } cp && cell.Length < 60)
                {
                    (subKind, part) = CoverPartOf(cp.Groups["what"].Value, cp.Groups["n"].Value);
                }

                if (cell.Contains("PREPUBLISHED", StringComparison.Ordinal))
                {
                    prepublished = true;
                }
            }

            if (SeriesHeading().IsMatch(block.Cells?.FirstOrDefault(c => c.Trim().Length > 0) ?? block.Text))
            {
                seriesSeen = true;
                continue;
            }

            if (seriesSeen && title is null)
            {
                var candidate = (block.Cells ?? [block.Text]).Select(c => c.Trim()).FirstOrDefault(c => c.Length > 0);
                if (candidate is not null && !NotTitle().IsMatch(candidate))
                {
                    // Lines broken by hand belong together; a line naming the part ("Amendment 1: …", "Corrigendum 2") ends the title.
                    var lines = candidate.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).TakeWhile(l => !CoverPart().IsMatch(l));
                    title = Space().Replace(string.Join(' ', lines), " ").Trim();
                    title = title.Length == 0 ? null : title;
                }
            }
        }

        if (numbers.Count > 0 && numbers[0].Length > 2 && part is not null && subKind == "supplement")
        {
            numbers = [$"{numbers[0][0]}.Sup{part[4..]}"];
        }

        return numbers.Count == 0 && month is null ? null : new Partial(numbers, subKind, part, month, null) { Title = title, Day = day, Prepublished = prepublished };
    }

    /// <summary>The numbers in the cover's number cell: <c>Y.4500.15/Q.3955</c>, <c>G.8101/Y.1355 Implementers' Guide</c>, <c>Series A</c> (a supplement: none).</summary>
    private static List<string> CoverNumbers(string cell) =>
        ItuIdentifiers.Recommendation().Matches(cell).Select(ItuIdentifiers.NormalizeRecommendation).Distinct().ToList();

    /// <summary>The sub-kind and part of a cover's "Amendment 1", "Corrigendum 2", "Annex F1".</summary>
    private static (string SubKind, string Part) CoverPartOf(string what, string n) => what.ToLowerInvariant() switch
    {
        "amendment" => PartOf("Amd" + n),
        "corrigendum" => PartOf("Cor" + n),
        "erratum" => PartOf("Err" + n),
        "supplement" => PartOf("Sup" + n),
        "annex" => PartOf("Ann" + n),
        "appendix" => PartOf("App" + n),
        _ => PartOf("Add" + n),
    };

    /// <summary>The History table's rows: a table row whose first cell starts with "History" and holds the rows as tab-separated lines.</summary>
    private static List<RecommendationEdition> History(IReadOnlyList<TextBlock> blocks)
    {
        var rows = new List<RecommendationEdition>();
        foreach (var block in blocks)
        {
            if (block.Cells is not { Count: > 0 } cells || !cells[0].TrimStart().StartsWith("History", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var line in string.Join('\n', cells).Split('\n'))
            {
                var parts = line.Split('\t').Select(p => p.Trim()).ToList();
                if (parts.Count < 4 || IsoDate().Match(parts[2]) is not { Success: true } d)
                {
                    continue;
                }

                DateOnly? date = DateOnly.TryParseExact(d.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : null;
                rows.Add(new RecommendationEdition(
                    parts[0].Length == 0 ? null : parts[0],
                    Space().Replace(parts[1], " "),
                    date,
                    GroupOf(parts[3]),
                    parts.Count > 4 && parts[4].Length > 0 ? parts[4] : null));
            }

            if (rows.Count > 0)
            {
                break;
            }
        }

        return rows;
    }

    /// <summary>The History row of this text: the last row naming the same part (none for the Recommendation itself), else the last row.</summary>
    private static RecommendationEdition? CurrentEdition(List<RecommendationEdition> history, string? part)
    {
        if (history.Count == 0)
        {
            return null;
        }

        var wanted = part is null ? null : Key(part);
        var same = history.LastOrDefault(r => RowPart(r.Recommendation) == wanted);
        return same ?? history[^1];

        static string? RowPart(string recommendation)
        {
            var m = HistoryPart().Match(recommendation);
            return m.Success ? Key($"{m.Groups["what"].Value} {m.Groups["n"].Value}") : null;
        }

        static string Key(string text)
        {
            var t = text.Replace("Technical ", string.Empty, StringComparison.Ordinal).Replace(".", " ", StringComparison.Ordinal);
            t = Space().Replace(t, " ").Trim();
            var space = t.IndexOf(' ', StringComparison.Ordinal);
            var what = space < 0 ? t : t[..space];
            var n = space < 0 ? string.Empty : t[(space + 1)..];
            what = what.StartsWith("Sup", StringComparison.Ordinal) ? "Sup" : what[..Math.Min(3, what.Length)];
            return $"{what} {n}";
        }
    }

    private static string? GroupOf(string cell)
    {
        var c = cell.Trim();
        if (c.Equals("TSAG", StringComparison.OrdinalIgnoreCase))
        {
            return "TSAG";
        }

        return int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 30 ? $"SG{n}" : null;
    }

    /// <summary>A date in the given month near the top of the text ("approved on 23 September 2018", "Geneva, 28 March 2017").</summary>
    private static DateOnly? DateNear(IReadOnlyList<TextBlock> blocks, DateOnly month)
    {
        foreach (var block in blocks.Take(TopBlocks))
        {
            foreach (var d in DateExpressions.Find(block.Text))
            {
                if (d.Start.Year == month.Year && d.Start.Month == month.Month)
                {
                    return d.Start;
                }
            }
        }

        return null;
    }

    /// <summary>The study group that approved the text, when its first pages say so ("approved by ITU-T Study Group 16 on 27 October 2017").</summary>
    private static string? ApprovingGroup(IReadOnlyList<TextBlock> blocks)
    {
        foreach (var block in blocks.Take(TopBlocks).Where(b => !b.IsBoilerplate))
        {
            foreach (Match m in ApprovedSentence().Matches(block.Text))
            {
                var g = ItuIdentifiers.StudyGroup().Match(m.Value.Replace("ITUT", "ITU-T", StringComparison.Ordinal));
                if (g.Success)
                {
                    return "SG" + int.Parse(g.Groups["n"].Value, CultureInfo.InvariantCulture);
                }
            }
        }

        return null;
    }
}
