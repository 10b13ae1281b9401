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
        ForAction, ForComment, ForInformation, Approval, Deadline, From, To, Kind, Original, Attachment,
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
        ["from group"] = Field.From, ["to group"] = Field.To, ["to groups"] = Field.To, ["from groups"] = Field.From,
        ["attachment"] = Field.Attachment, ["attachments"] = Field.Attachment, ["attached"] = Field.Attachment,
        ["doctype"] = Field.Kind, ["docnumber"] = Field.Number, ["doctitle"] = Field.Title,
    };

    /// <summary>An AsciiDoc attribute line of a document header: <c>:docType: Temporary Document</c>.</summary>
    [GeneratedRegex(@"^:(?<label>[A-Za-z][A-Za-z-]{0,30}):\s*(?<value>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex AsciiDocAttribute();

    /// <summary>An AsciiDoc document title: <c>= Title</c> (one equals sign: sections have more).</summary>
    [GeneratedRegex(@"^=\s+(?<title>\S.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex AsciiDocTitle();

    [GeneratedRegex(@"^==+\s", RegexOptions.CultureInvariant)]
    private static partial Regex AsciiDocSection();

    /// <summary>A meeting named in a sentence: "held in Geneva, 2025/12/03", "meeting in Geneva, 14-25 October 2019".</summary>
    [GeneratedRegex(@"\b(?:held|meeting|met)\s+in\s+(?<place>[A-Z][\p{L} .'-]{1,40}?),\s*(?=\d)", RegexOptions.CultureInvariant)]
    private static partial Regex MeetingSentence();

    /// <summary>A header line that is a place and a date: "Geneva, 14-25 October 2019".</summary>
    [GeneratedRegex(@"^(?<place>[A-Z][\p{L} .'-]{1,40}),\s*(?<date>\d.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceDateLine();

    [GeneratedRegex(@"^(?<g>SG\d{1,2}|TSAG)(?:-(?<wp>WP\d))?-", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FileGroup();

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

    /// <summary>What every <see cref="ReplyTo"/> holds, with the same case rules: a text without any of these words is not scanned for replies.</summary>
    [GeneratedRegex(@"answer|repl|respon|follow-up", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyWord();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Space();

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
        var headerRegion = HeaderRegion(text.Blocks);
        ReadHeader(headerRegion, fields, headerLines);
        var fullText = text.RawText;

        // References, mentions and dates in the text come from content: never from the series table, the foreword or the table of contents.
        var contentText = text.ContentText;

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
        number ??= NumberFromParts(numberField, First(Field.Kind), Path.GetFileName(fileName), fullText);
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
            place = placeText.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? string.Empty; // "ASSEMBLY\nHammamet": the place is the last line
            place = place.TrimEnd(',', ';', '-', '–').Trim();
            if (place.Length == 0)
            {
                place = null;
            }
        }

        if (place is null && MeetingLine(headerLines, text.Blocks.Take(20).Where(b => !b.IsBoilerplate)) is { } line)
        {
            place = line.Place;
            meeting ??= line.Date;
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

        // Study groups: the document's own, those of its Questions and those its header names belong to it;
        // groups only named further down (a liaison received from SG2, work SG13 does) are mentions.
        var studyGroups = new List<string>();
        if (group is not null)
        {
            studyGroups.Add(group);
        }

        var headerText = string.Join('\n', headerRegion.Select(b => b.Text));
        var headerGroups = ItuIdentifiers.StudyGroups(headerText).ToList();
        studyGroups.AddRange(headerGroups);
        studyGroups.AddRange(questions.Select(q => "SG" + q[(q.IndexOf('/', StringComparison.Ordinal) + 1)..]));
        studyGroups = studyGroups.Distinct().OrderBy(GroupOrder).ToList();

        // A short text with no heading and no boilerplate is all header and all content: its groups are found once.
        var contentGroups = contentText.Equals(headerText, StringComparison.Ordinal) ? headerGroups : ItuIdentifiers.StudyGroups(contentText).ToList();
        var mentions = contentGroups.Where(g => !studyGroups.Contains(g)).Distinct().OrderBy(GroupOrder).ToList();

        // References.
        var documents = ItuIdentifiers.DocumentNumbers(contentText).Concat(ItuIdentifiers.ShortNumbers(contentText))
            .Where(n => n != number).Distinct().ToList();
        var recommendations = ItuIdentifiers.Recommendations(contentText).Concat(ItuIdentifiers.RecommendationRanges(contentText)).Distinct().ToList();
        var resolutions = ItuIdentifiers.Resolutions(contentText).Distinct().ToList();
        var replies = (ReplyWord().IsMatch(fullText) ? ReplyTo().Matches(fullText) : Enumerable.Empty<Match>()).Select(m => ItuIdentifiers.DocumentNumbers(m.Groups["n"].Value).First())
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
            Mentions = mentions,
        };
        if (RecommendationExtractor.Extract(text, fileName) is { } rec)
        {
            metadata = AsRecommendation(metadata, rec, contentText);
        }

        return metadata with { MissingFields = Missing(metadata) };
    }

    /// <summary>
    /// The header region: the cover page, header table and first lines, before the first section of an
    /// AsciiDoc text and at most <see cref="HeaderBlocks"/> blocks. A header quoted later (an example
    /// liaison in an appendix, a forwarded LS) is not this document's.
    /// </summary>
    private static List<TextBlock> HeaderRegion(IReadOnlyList<TextBlock> blocks)
    {
        var region = new List<TextBlock>();
        foreach (var block in blocks.Take(HeaderBlocks))
        {
            var first = block.Text.TrimStart();
            if (AsciiDocSection().IsMatch(first))
            {
                if (region.Count > 0)
                {
                    break;
                }
            }
            else if (block.Text.Split('\n').Any(l => AsciiDocSection().IsMatch(l.TrimStart())) && region.Count == 0)
            {
                // The attributes and the first section in one block: keep the lines before the section.
                var lines = block.Text.Split('\n').TakeWhile(l => !AsciiDocSection().IsMatch(l.TrimStart()));
                region.Add(block with { Text = string.Join('\n', lines) });
                break;
            }

            region.Add(block);
        }

        return region;
    }

    /// <summary>A TD or contribution number built from an AsciiDoc header's parts: <c>:docNumber: 74</c>, <c>:docType: Temporary document</c> and the group and working party of the file name or text.</summary>
    private static string? NumberFromParts(string? numberField, string? kindField, string fileName, string text)
    {
        if (numberField is null || !int.TryParse(numberField.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        var kind = KindFromField(kindField);
        var code = kind switch
        {
            DocumentKind.TemporaryDocument => "TD",
            DocumentKind.Contribution => "C",
            DocumentKind.LiaisonStatement => "LS",
            DocumentKind.Report => "R",
            _ => null,
        };
        var file = FileGroup().Match(fileName);
        var group = file.Success ? file.Groups["g"].Value.ToUpperInvariant() : ItuIdentifiers.StudyGroups(text).FirstOrDefault();
        if (code is null || group is null)
        {
            return null;
        }

        var venue = file.Groups["wp"].Success ? "/" + file.Groups["wp"].Value.ToUpperInvariant() : string.Empty;
        return $"{group}-{code}{n.ToString(System.Globalization.CultureInfo.InvariantCulture)}{venue}";
    }

    /// <summary>"Geneva, 14-25 October 2019": a line of its own, never the continuation of the field above it.</summary>
    private static bool IsPlaceDateLine(string line) => PlaceAndDate(line) is not null;

    private static (string Place, DateSpan Date)? PlaceAndDate(string line)
    {
        var m = PlaceDateLine().Match(line.Trim());
        return m.Success && DateExpressions.Find(m.Groups["date"].Value) is { Count: > 0 } dates && dates[0].Index == 0
            ? (m.Groups["place"].Value.Trim(), dates[0])
            : null;
    }

    /// <summary>A place and date line of the header ("Geneva, 14-25 October 2019") or a meeting sentence near the top ("held in Geneva, 2025/12/03").</summary>
    private static (string Place, DateSpan Date)? MeetingLine(List<string> headerLines, IEnumerable<TextBlock> topBlocks)
    {
        foreach (var line in headerLines)
        {
            if (PlaceAndDate(line) is { } found)
            {
                return found;
            }
        }

        foreach (var block in topBlocks)
        {
            foreach (Match m in MeetingSentence().Matches(block.Text))
            {
                var rest = block.Text[(m.Index + m.Length)..];
                if (DateExpressions.Find(rest) is { Count: > 0 } dates && dates[0].Index == 0)
                {
                    return (m.Groups["place"].Value.Trim(), dates[0]);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A published Recommendation: its number, title, date, study period and responsible group are its
    /// own (cover page, History table, file name), not those of LS headers or dates quoted in its text;
    /// groups its text names are mentions.
    /// </summary>
    private static DocumentMetadata AsRecommendation(DocumentMetadata m, RecommendationFacts rec, string contentText)
    {
        var numbers = rec.Info.Numbers;
        var groups = rec.Group is null ? new List<string>() : [rec.Group];
        var mentions = ItuIdentifiers.StudyGroups(contentText).Concat(m.StudyGroups).Concat(m.Mentions)
            .Where(g => !groups.Contains(g)).Distinct().OrderBy(GroupOrder).ToList();
        var approval = rec.Info.Approval;
        var annexes = AnnexHeading().Matches(contentText).Select(a => a.Groups["l"].Value).ToHashSet(StringComparer.Ordinal);
        return m with
        {
            Kind = DocumentKind.Recommendation,
            Number = numbers[0],
            Group = rec.Group,
            StudyGroups = groups,
            Mentions = mentions,
            Title = rec.Title ?? m.Title,
            Questions = [], // a Recommendation's text names Questions (an example header in A.1's appendix): none is its own
            Date = approval,
            StudyPeriod = approval is { } a ? ItuIdentifiers.StudyPeriodOf(a) : null,
            MeetingStart = null,
            MeetingEnd = null,
            Place = null,
            Source = null,
            From = null,
            To = [],
            ForAction = [],
            ForComment = [],
            ForInformation = [],
            Approval = null,
            Deadline = null,
            RepliesTo = [],
            References = m.References with
            {
                Recommendations = m.References.Recommendations.Where(r => !numbers.Contains(r) && !IsOwnClause(r, annexes, contentText)).ToList(),
            },
            Recommendation = rec.Info,
        };
    }

    [GeneratedRegex(@"\b(?:Annex|Appendix)\s+(?<l>[A-Z]{1,4})\b", RegexOptions.CultureInvariant)]
    private static partial Regex AnnexHeading();

    /// <summary>
    /// "A.3" in a Recommendation that has an Annex A (or "I.2" with an Appendix I) is a clause of its own,
    /// unless it is cited as a Recommendation ("ITU-T A.3", "Recommendation A.3").
    /// </summary>
    private static bool IsOwnClause(string reference, HashSet<string> annexes, string contentText)
    {
        if (!annexes.Contains(reference[..reference.IndexOf('.', StringComparison.Ordinal)]))
        {
            return false;
        }

        return !contentText.Contains("ITU-T " + reference, StringComparison.Ordinal)
            && !contentText.Contains("Recommendation " + reference, StringComparison.Ordinal);
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
                var attribute = AsciiDocAttribute().Match(line.Trim());
                if (attribute.Success)
                {
                    current = null;
                    if (Labels.TryGetValue(attribute.Groups["label"].Value, out var attributeField))
                    {
                        Add(fields, attributeField, attribute.Groups["value"].Value);
                    }

                    continue;
                }

                if (AsciiDocTitle().Match(line.Trim()) is { Success: true } adocTitle && fields.Count == 0)
                {
                    // "= Document" is the template's placeholder, not a title.
                    if (!adocTitle.Groups["title"].Value.Trim().Equals("Document", StringComparison.OrdinalIgnoreCase))
                    {
                        Add(fields, Field.Title, adocTitle.Groups["title"].Value);
                    }

                    continue;
                }

                var m = LabelLine().Match(line);
                if (m.Success && Labels.TryGetValue(m.Groups["label"].Value.Trim(), out var field))
                {
                    current = Add(fields, field, m.Groups["value"].Value) ? field : null;
                }
                else if (current is { } f && fields[f].Count > 0 && f is not (Field.Number or Field.StudyGroup or Field.StudyPeriod) && !IsPlaceDateLine(line))
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

        var normalized = Space().Replace(value.Trim(), " ").ToLowerInvariant();
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

        var cleaned = Space().Replace(value, " ").Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }

    /// <summary>A header line that names the document's own number: the number alone, or at the start of a short line.</summary>
    private static bool IsNumberLine(string line)
    {
        var trimmed = line.Trim();
        if (!ItuIdentifiers.MayHoldDocumentNumber(trimmed))
        {
            return false;
        }

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
        if (m.Kind == DocumentKind.Recommendation)
        {
            Check(m.Date is not null, "approval");
            Check(m.Group is not null, "group");
            return missing;
        }

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
