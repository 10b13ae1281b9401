using System.Text.RegularExpressions;

namespace Search.Core.Ingestion;

/// <summary>
/// Extracts ITU metadata from a document's blocks. Header fields are read as label/value pairs
/// from table rows (the .docx header table) or from <c>Label: value</c> lines (.txt, .pdf),
/// tolerating missing fields, other orders and values over several lines; what the header does not
/// give is looked for in the text (numbers in ITU handles, "received from SG17", meeting dates), and
/// fields still missing are listed.
/// </summary>
public static partial class MetadataExtractor
{
    /// <summary>Blocks of the header zone: ITU headers sit at the top, before the first heading.</summary>
    private const int HeaderBlocks = 60;

    private enum Field
    {
        Number, StudyGroup, StudyPeriod, Questions, Place, Source, Title, Purpose, Contact, Keywords, Abstract,
        ForAction, ForComment, ForInformation, Approval, Deadline, From, To, Kind, Original,
    }

    private static readonly Dictionary<string, Field> Labels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["number"] = Field.Number, ["document"] = Field.Number, ["document number"] = Field.Number, ["doc"] = Field.Number,
        ["study group"] = Field.StudyGroup, ["group"] = Field.StudyGroup,
        ["study period"] = Field.StudyPeriod, ["period"] = Field.StudyPeriod,
        ["question(s)"] = Field.Questions, ["questions"] = Field.Questions, ["question"] = Field.Questions,
        ["place and date"] = Field.Place, ["place/date"] = Field.Place, ["meeting"] = Field.Place, ["date"] = Field.Place,
        ["meeting place and date"] = Field.Place, ["place"] = Field.Place,
        ["source"] = Field.Source, ["title"] = Field.Title, ["subject"] = Field.Title, ["purpose"] = Field.Purpose,
        ["contact"] = Field.Contact, ["contacts"] = Field.Contact, ["contact point"] = Field.Contact,
        ["keywords"] = Field.Keywords, ["keyword"] = Field.Keywords,
        ["abstract"] = Field.Abstract, ["summary"] = Field.Abstract,
        ["for action to"] = Field.ForAction, ["for action"] = Field.ForAction, ["action to"] = Field.ForAction,
        ["for comment to"] = Field.ForComment, ["for comment"] = Field.ForComment, ["for comments to"] = Field.ForComment,
        ["for information to"] = Field.ForInformation, ["for information"] = Field.ForInformation, ["for info to"] = Field.ForInformation,
        ["approval"] = Field.Approval, ["approved"] = Field.Approval, ["approved at"] = Field.Approval,
        ["deadline"] = Field.Deadline, ["response deadline"] = Field.Deadline,
        ["from"] = Field.From, ["to"] = Field.To, ["kind"] = Field.Kind, ["document type"] = Field.Kind, ["original"] = Field.Original,
    };

    [GeneratedRegex(@"^\s*(?<label>[A-Za-z][A-Za-z ()/]{0,30}?)\s*(?::|\t)\s*(?<value>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelLine();

    [GeneratedRegex(@"\bSTUDY\s+PERIOD\s+(?<p>\d{4})\s*[-–]\s*(?<q>\d{4})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StudyPeriodLine();

    [GeneratedRegex(@"^(?<p>\d{4})\s*[-–]\s*(?<q>\d{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodValue();

    [GeneratedRegex(@"^\s*(?:ITU-T\s+)?STUDY\s+GROUP\s+(?<n>\d{1,2})\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StudyGroupLine();

    [GeneratedRegex(@"^\s*(?<k>LIAISON\s+STATEMENT|CONTRIBUTION|TEMPORARY\s+DOCUMENT|TD|REPORT|MEETING\s+REPORT)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KindLine();

    [GeneratedRegex(@"\b(?:answers|answering|in\s+reply\s+to|reply\s+to|replies\s+to|responds\s+to|in\s+response\s+to|response\s+to|follow-up\s+to)\s+(?:the\s+|your\s+)?(?:incoming\s+)?(?:liaison\s+statement\s+|liaison\s+|LS\s+)?(?:from\s+[\w-]+\s+)?(?:\(|on\s+)?(?<n>(?:SG\s?\d{1,2}|TSAG)-(?:C|TD|LS|R)\s?\d{1,5}(?:-R\d{1,2})?(?:/(?:WP\d|GEN|PLEN|P))?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyTo();

    [GeneratedRegex(@"\b(?:received\s+from|liaison\s+statement\s+from|LS\s+from|sent\s+by)\s+(?:ITU-T\s+)?(?<g>SG\s?\d{1,2}|TSAG|Study\s+Group\s+\d{1,2})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReceivedFrom();

    [GeneratedRegex(@"\b(?:send|sent|sending|addressed|submit|submitted|forward|forwarded|transmit|transmitted)\s+(?:it\s+|this\s+)?to\s+(?:ITU-T\s+)?(?<g>TSAG|SG\s?\d{1,2}|Study\s+Group\s+\d{1,2})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SentTo();

    [GeneratedRegex(@"\bliaison\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LiaisonWord();

    [GeneratedRegex(@"\bmeeting\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MeetingWord();

    /// <summary>Extracts metadata from a document's text; <paramref name="fileName"/> is a fall-back for the number.</summary>
    public static DocumentMetadata Extract(ExtractedText text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var fields = new Dictionary<Field, List<string>>();
        var headerLines = new List<string>();
        ReadHeader(text.Blocks.Take(HeaderBlocks), fields, headerLines);
        var fullText = text.FullText;

        string? First(Field f) => fields.TryGetValue(f, out var v) && v.Count > 0 ? v[0] : null;
        IReadOnlyList<string> All(Field f) => fields.TryGetValue(f, out var v) ? v : [];

        // Number: header field, a number line in the header, the file name, an ITU handle in the text.
        string? number = null;
        string? period = null;
        var numberField = First(Field.Number);
        if (numberField is not null)
        {
            number = ItuIdentifiers.DocumentNumbers(numberField).FirstOrDefault();
        }

        number ??= headerLines.Where(IsNumberLine).SelectMany(ItuIdentifiers.DocumentNumbers).FirstOrDefault();
        number ??= ItuIdentifiers.DocumentNumbers(Path.GetFileNameWithoutExtension(fileName)).FirstOrDefault();
        var handle = ItuIdentifiers.HandleNumber().Match(fullText);
        if (handle.Success)
        {
            var g = handle.Groups["g"].Value.ToUpperInvariant();
            number ??= $"{g}-{handle.Groups["k"].Value.ToUpperInvariant()}{int.Parse(handle.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)}";
            period = ItuIdentifiers.StudyPeriodOfCode(ItuIdentifiers.ParseInt(handle.Groups["sp"].Value));
        }

        // Kind: from the number, a kind line in the header, LS header fields, the words of the text.
        var kind = KindFromNumber(number)
            ?? KindFromField(First(Field.Kind))
            ?? headerLines.Select(l => KindLine().Match(l)).Where(m => m.Success).Select(m => KindFromField(m.Groups["k"].Value)).FirstOrDefault(k => k is not null)
            ?? (fields.ContainsKey(Field.ForAction) || fields.ContainsKey(Field.ForComment) || fields.ContainsKey(Field.ForInformation) ? DocumentKind.LiaisonStatement : (DocumentKind?)null)
            ?? (LiaisonWord().IsMatch(string.Join('\n', text.Blocks.Take(5).Select(b => b.Text))) ? DocumentKind.LiaisonStatement : (DocumentKind?)null)
            ?? DocumentKind.Other;

        // Group that issued it.
        var group = number is null ? null : number[..number.IndexOf('-', StringComparison.Ordinal)];
        group ??= First(Field.StudyGroup) is { } sg ? GroupFromValue(sg) : null;
        group ??= headerLines.Select(l => StudyGroupLine().Match(l)).Where(m => m.Success).Select(m => "SG" + int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();

        // Period.
        var periodField = First(Field.StudyPeriod);
        if (periodField is not null && PeriodValue().Match(periodField.Trim()) is { Success: true } pv)
        {
            period = $"{pv.Groups["p"].Value}-{pv.Groups["q"].Value}";
        }
        else if (headerLines.Select(l => StudyPeriodLine().Match(l)).FirstOrDefault(m => m.Success) is { } pl)
        {
            period = $"{pl.Groups["p"].Value}-{pl.Groups["q"].Value}";
        }

        // Place and dates.
        var placeField = First(Field.Place);
        string? place = null;
        DateSpan? meeting = null;
        if (placeField is not null)
        {
            var spans = DateExpressions.Find(placeField);
            meeting = spans.Count > 0 ? spans[0] : null;
            var placeText = meeting is null ? placeField : placeField[..meeting.Index];
            place = placeText.Trim().TrimEnd(',', ';', '-', '–').Trim();
            if (place.Length == 0)
            {
                place = null;
            }
        }

        var allDates = DateExpressions.Find(fullText);
        meeting ??= allDates.FirstOrDefault(d => d.End > d.Start && NearMeeting(fullText, d));
        meeting ??= allDates.FirstOrDefault(d => d.End > d.Start);
        var approval = First(Field.Approval);
        var approvalDate = approval is null ? null : DateExpressions.Find(approval) is { Count: > 0 } a ? a[0] : null;
        var deadlineField = First(Field.Deadline);
        var deadline = deadlineField is null ? null : DateExpressions.Find(deadlineField) is { Count: > 0 } dl ? dl[0] : null;
        var date = meeting?.Start ?? approvalDate?.Start ?? (allDates.Count > 0 ? allDates[0].Start : null);
        if (period is null && date is { } d0)
        {
            period = ItuIdentifiers.StudyPeriodOf(d0);
        }

        var assemblies = ItuIdentifiers.Assembly().Matches(fullText).Select(m => m.Value).Distinct().ToList();
        if (period is null && assemblies.Contains("WTSA-20"))
        {
            period = "2017-2020";
        }

        // Questions and study groups.
        var questions = All(Field.Questions).SelectMany(ItuIdentifiers.QuestionsInField)
            .Concat(ItuIdentifiers.Questions(fullText))
            .Distinct().OrderBy(QuestionGroup).ThenBy(QuestionNumber).ToList();
        var source = First(Field.Source);
        var from = First(Field.From) is { } fromField ? GroupFromValue(fromField) ?? fromField : null;
        from ??= source is not null ? GroupFromValue(source) : null;
        var received = ReceivedFrom().Match(fullText);
        if (from is null && received.Success)
        {
            from = GroupFromValue(received.Groups["g"].Value);
        }

        from ??= kind == DocumentKind.LiaisonStatement ? group : source;
        if (group is null && from is not null && (from == "TSAG" || from.StartsWith("SG", StringComparison.Ordinal)))
        {
            group = from;
        }

        var forAction = SplitList(All(Field.ForAction));
        var forComment = SplitList(All(Field.ForComment));
        var forInformation = SplitList(All(Field.ForInformation));
        var to = forAction.Concat(forComment).Concat(forInformation).Concat(SplitList(All(Field.To)))
            .Select(a => GroupFromValue(a) ?? a).Distinct().ToList();
        if (to.Count == 0 && kind == DocumentKind.LiaisonStatement)
        {
            to = SentTo().Matches(fullText).Select(m => GroupFromValue(m.Groups["g"].Value)!).Where(g => g != group).Distinct().ToList();
        }

        var studyGroups = new List<string>();
        if (group is not null)
        {
            studyGroups.Add(group);
        }

        studyGroups.AddRange(ItuIdentifiers.StudyGroups(fullText));
        studyGroups.AddRange(questions.Select(q => "SG" + q[(q.IndexOf('/', StringComparison.Ordinal) + 1)..]));
        studyGroups = studyGroups.Distinct().OrderBy(GroupOrder).ToList();

        // References.
        var documents = ItuIdentifiers.DocumentNumbers(fullText).Concat(ItuIdentifiers.ShortNumbers(fullText))
            .Where(n => n != number).Distinct().ToList();
        var recommendations = ItuIdentifiers.Recommendations(fullText).Distinct().ToList();
        var resolutions = ItuIdentifiers.Resolutions(fullText).Distinct().ToList();
        var replies = ReplyTo().Matches(fullText).Select(m => ItuIdentifiers.DocumentNumbers(m.Groups["n"].Value).First())
            .Where(n => n != number).Distinct().ToList();

        var keywords = First(Field.Keywords) is { } kw
            ? kw.Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(k => k.Length > 0).ToList()
            : [];
        var contacts = All(Field.Contact).Select(c => c.Replace('\n', ';').Trim()).Where(c => c.Length > 0).ToList();

        var metadata = new DocumentMetadata
        {
            Kind = kind,
            Number = number,
            Group = group,
            StudyGroups = studyGroups,
            StudyPeriod = period,
            Questions = questions,
            Source = source,
            From = from,
            To = to,
            ForAction = forAction,
            ForComment = forComment,
            ForInformation = forInformation,
            Title = Clean(First(Field.Title)),
            Purpose = Clean(First(Field.Purpose)),
            Contacts = contacts,
            Keywords = keywords,
            Abstract = Clean(First(Field.Abstract)),
            Place = place,
            Date = date,
            MeetingStart = meeting?.Start,
            MeetingEnd = meeting?.End,
            Approval = Clean(approval),
            Deadline = deadline?.Start,
            RepliesTo = replies,
            References = new DocumentReferences(documents, recommendations, resolutions),
            Assemblies = assemblies,
        };
        return metadata with { MissingFields = Missing(metadata) };
    }

    private static void ReadHeader(IEnumerable<TextBlock> blocks, Dictionary<Field, List<string>> fields, List<string> headerLines)
    {
        foreach (var block in blocks)
        {
            if (block.Kind == BlockKind.Heading && fields.Count > 0)
            {
                break;
            }

            if (block.Cells is { Count: >= 1 } cells)
            {
                ReadRow(cells, fields, headerLines);
                continue;
            }

            Field? current = null;
            foreach (var line in block.Text.Split('\n'))
            {
                var m = LabelLine().Match(line);
                if (m.Success && Labels.TryGetValue(m.Groups["label"].Value.Trim(), out var field))
                {
                    current = Add(fields, field, m.Groups["value"].Value) ? field : null;
                }
                else if (current is { } f && fields[f].Count > 0 && f is not (Field.Number or Field.StudyGroup or Field.StudyPeriod))
                {
                    var list = fields[f];
                    list[^1] = list[^1].Length == 0 ? line.Trim() : $"{list[^1]}\n{line.Trim()}";
                }
                else
                {
                    headerLines.Add(line);
                }
            }
        }
    }

    private static void ReadRow(IReadOnlyList<string> cells, Dictionary<Field, List<string>> fields, List<string> headerLines)
    {
        // A cell may hold "Label: value" by itself ("Source: SG17") or be a bare label ("Source:") followed by its value cell.
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i].Trim();
            var bare = cell.TrimEnd(':').Trim();
            if (Labels.TryGetValue(bare, out var field) && (cell.EndsWith(':') || i + 1 < cells.Count))
            {
                var value = i + 1 < cells.Count ? cells[i + 1] : string.Empty;
                Add(fields, field, value);
                i++;
                continue;
            }

            var m = LabelLine().Match(cell.Split('\n')[0]);
            if (m.Success && Labels.TryGetValue(m.Groups["label"].Value.Trim(), out field))
            {
                var rest = cell.Contains('\n', StringComparison.Ordinal) ? cell[(cell.IndexOf('\n', StringComparison.Ordinal) + 1)..] : string.Empty;
                Add(fields, field, rest.Length > 0 ? $"{m.Groups["value"].Value}\n{rest}" : m.Groups["value"].Value);
                continue;
            }

            // The ITU header puts place and date in a cell of its own, beside the Questions.
            if (!fields.ContainsKey(Field.Place) && DateExpressions.Find(cell).Count > 0 && cell.Length <= 120)
            {
                Add(fields, Field.Place, cell);
            }

            headerLines.AddRange(cell.Split('\n'));
        }
    }

    private static bool Add(Dictionary<Field, List<string>> fields, Field field, string value)
    {
        if (!fields.TryGetValue(field, out var list))
        {
            list = [];
            fields[field] = list;
        }
        else if (field is not Field.Contact)
        {
            return false; // the first occurrence (in the header) wins; later lines are body text
        }

        list.Add(value.Trim());
        return true;
    }

    private static List<string> SplitList(IReadOnlyList<string> values) =>
        values.SelectMany(v => v.Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .SelectMany(v => v.Split(" and ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(v => v.Length > 0 && !v.Equals("-", StringComparison.Ordinal) && !v.Equals("N/A", StringComparison.OrdinalIgnoreCase) && !v.Equals("none", StringComparison.OrdinalIgnoreCase))
            .ToList();

    private static string? GroupFromValue(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Equals("TSAG", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("TSAG ", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("ITU-T TSAG", StringComparison.OrdinalIgnoreCase))
        {
            return "TSAG";
        }

        if (trimmed.All(char.IsDigit) && trimmed.Length is > 0 and <= 2)
        {
            return "SG" + int.Parse(trimmed, System.Globalization.CultureInfo.InvariantCulture);
        }

        var m = ItuIdentifiers.StudyGroup().Match(trimmed);
        return m.Success && m.Index <= 8 && trimmed.Length <= 60 ? "SG" + int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static DocumentKind? KindFromNumber(string? number)
    {
        if (number is null)
        {
            return null;
        }

        var dash = number.IndexOf('-', StringComparison.Ordinal);
        var rest = number[(dash + 1)..];
        return rest.StartsWith("LS", StringComparison.Ordinal) ? DocumentKind.LiaisonStatement
            : rest.StartsWith("TD", StringComparison.Ordinal) ? DocumentKind.TemporaryDocument
            : rest.StartsWith('C') ? DocumentKind.Contribution
            : rest.StartsWith('R') ? DocumentKind.Report
            : null;
    }

    private static DocumentKind? KindFromField(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var normalized = Regex.Replace(value.Trim(), @"\s+", " ").ToLowerInvariant();
        return normalized switch
        {
            "meeting report" => DocumentKind.Report,
            "temporary document" => DocumentKind.TemporaryDocument,
            _ => DocumentMetadata.ParseKind(normalized),
        };
    }

    private static bool NearMeeting(string text, DateSpan span)
    {
        var start = Math.Max(0, span.Index - 60);
        var end = Math.Min(text.Length, span.Index + span.Length + 60);
        return MeetingWord().IsMatch(text[start..end]);
    }

    private static string? Clean(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var cleaned = Regex.Replace(value, @"\s+", " ").Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }

    /// <summary>A header line that names the document's own number: the number alone, or at the start of a short line.</summary>
    private static bool IsNumberLine(string line)
    {
        var trimmed = line.Trim();
        var m = ItuIdentifiers.FullDocumentNumber().Match(trimmed);
        return m.Success && m.Index <= 12 && trimmed.Length - m.Length <= 30;
    }

    private static int QuestionGroup(string question) =>
        int.Parse(question.AsSpan(question.IndexOf('/', StringComparison.Ordinal) + 1), System.Globalization.CultureInfo.InvariantCulture);

    private static int QuestionNumber(string question) =>
        int.Parse(question.AsSpan(1, question.IndexOf('/', StringComparison.Ordinal) - 1), System.Globalization.CultureInfo.InvariantCulture);

    private static int GroupOrder(string group) =>
        group.StartsWith("SG", StringComparison.Ordinal) && int.TryParse(group.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1000;

    private static List<string> Missing(DocumentMetadata m)
    {
        var missing = new List<string>();
        void Check(bool present, string name)
        {
            if (!present)
            {
                missing.Add(name);
            }
        }

        Check(m.Kind != DocumentKind.Other, "kind");
        Check(m.Number is not null, "number");
        Check(m.Title is not null, "title");
        Check(m.Source is not null, "source");
        Check(m.StudyPeriod is not null, "studyPeriod");
        Check(m.Questions.Count > 0, "questions");
        Check(m.Date is not null, "date");
        Check(m.Abstract is not null, "abstract");
        Check(m.Keywords.Count > 0, "keywords");
        Check(m.Contacts.Count > 0, "contact");
        if (m.Kind is DocumentKind.Contribution or DocumentKind.TemporaryDocument)
        {
            Check(m.Purpose is not null, "purpose");
        }

        if (m.Kind == DocumentKind.LiaisonStatement)
        {
            Check(m.ForAction.Count + m.ForComment.Count + m.ForInformation.Count > 0, "addressees");
            Check(m.Approval is not null, "approval");
            Check(m.Deadline is not null, "deadline");
        }

        return missing;
    }
}
