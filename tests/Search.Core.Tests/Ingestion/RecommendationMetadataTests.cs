using Search.Core.Classification;
using Search.Core.Indexing;
using Search.Core.Ingestion;

namespace Search.Core.Tests.Ingestion;

/// <summary>Recommendations, boilerplate and the newer header layouts, on small texts written for the tests.</summary>
public sealed class RecommendationMetadataTests
{
    private static ExtractedText Text(params TextBlock[] blocks) => Boilerplate.Mark(new ExtractedText(blocks));

    private static TextBlock P(string text) => TextBlock.Paragraph(text);

    private static TextBlock Row(params string[] cells) => TextBlock.Row(cells);

    [Theory]
    [InlineData("T-REC-K.20-201810-I!!MSW-E.docx", "K.20", null, null, "2018-10-01", "in-force")]
    [InlineData("T-REC-K.20-201810-I_MSW-E.docx", "K.20", null, null, "2018-10-01", "in-force")]
    [InlineData("T-REC-P.340-201410-I!Amd1!MSW-E.docx", "P.340", "amendment", "Amd.1", "2014-10-01", "in-force")]
    [InlineData("T-REC-O.174-201202-I_Cor2_MSW-E.docx", "O.174", "corrigendum", "Cor.2", "2012-02-01", "in-force")]
    [InlineData("T-REC-T.832-201703-I!Err1!MSW-E.docx", "T.832", "erratum", "Err.1", "2017-03-01", "in-force")]
    [InlineData("T-REC-Z.100-201811-I!AnnF1!MSW-E.docx", "Z.100", "annex", "Annex F1", "2018-11-01", "in-force")]
    [InlineData("T-REC-J.1-201901-P!!MSW-E.docx", "J.1", null, null, "2019-01-01", "pre-published")]
    [InlineData("T-REC-A.Sup5-201607-I!!MSW-E.docx", "A.Sup5", "supplement", "Sup.5", "2016-07-01", "in-force")]
    [InlineData("T-REC-G.Imp729-201710-I!!MSW-E.docx", "G.729", "implementers-guide", null, "2017-10-01", "in-force")]
    public void FileName_GivesNumberPartMonthAndStatus(string file, string number, string? subKind, string? part, string approval, string status)
    {
        var m = MetadataExtractor.Extract(Text(P("Some text without a cover page.")), file);

        Assert.Equal(DocumentKind.Recommendation, m.Kind);
        Assert.Equal(number, m.Number);
        Assert.Equal(subKind, m.Recommendation!.SubKind);
        Assert.Equal(part, m.Recommendation.Part);
        Assert.Equal(status, m.Recommendation.Status);
        Assert.Equal(DateOnly.Parse(approval, System.Globalization.CultureInfo.InvariantCulture), m.Date);
        Assert.Equal(number[..1], m.Recommendation.Series);
    }

    private static ExtractedText Published() => Text(
        Row("", "International Telecommunication Union"),
        Row("ITU-T", "Y.4500.15/Q.3955"),
        Row("TELECOMMUNICATION\nSTANDARDIZATION SECTOR\nOF ITU", "(03/2018)"),
        Row("", "SERIES Y: GLOBAL INFORMATION INFRASTRUCTURE, INTERNET OF THINGS AND SMART CITIES\nFrameworks, architectures and protocols"),
        Row("", "Testing of widget\nframeworks"),
        Row("", "Recommendation ITU-T Y.4500.15/Q.3955"),
        P("ITU-T Y-SERIES RECOMMENDATIONS"),
        Row("Security", "Y.2700–Y.2799"),
        Row("COMBATING COUNTERFEITING AND STOLEN ICT DEVICES", "Q.5050–Q.5069"),
        P("For further details, please refer to the list of ITU-T Recommendations."),
        Row("History\nEdition\tRecommendation\tApproval\tStudy Group\tUnique ID*\n1.0\tITU-T Y.4500.15/Q.3955\t2016-05-01\t11\t11.1002/1000/1\n2.0\tITU-T Y.4500.15/Q.3955\t2018-03-01\t20\t11.1002/1000/2"),
        P("FOREWORD"),
        P("The International Telecommunication Union (ITU) is the United Nations specialized agency."),
        P("All rights reserved. No part of this publication may be reproduced, by any means whatsoever, without the prior written permission of ITU."),
        P("Table of Contents"),
        P("\tPage"),
        P("1\tScope\t1"),
        P("Recommendation ITU-T Y.4500.15/Q.3955"),
        P("This Recommendation describes how widget frameworks are tested; it builds on X.1205 and on Recommendations Y.4000–Y.4049, and was discussed with Study Group 11."));

    [Fact]
    public void CoverPage_GivesBothNumbersTitleAndTheHistoryTablesLastRow()
    {
        var m = MetadataExtractor.Extract(Published(), "widget.docx");

        Assert.Equal(DocumentKind.Recommendation, m.Kind);
        Assert.Equal("Y.4500.15", m.Number);
        Assert.Equal(["Y.4500.15", "Q.3955"], m.Recommendation!.Numbers);
        Assert.Equal("Testing of widget frameworks", m.Title);
        Assert.Equal(new DateOnly(2018, 3, 1), m.Date);
        Assert.Equal("2.0", m.Recommendation.Edition);
        Assert.Equal("11.1002/1000/2", m.Recommendation.UniqueId);
        Assert.Equal(2, m.Recommendation.History.Count);
        Assert.Equal("SG20", m.Group);
        Assert.Equal(["SG20"], m.StudyGroups);
        Assert.Contains("SG11", m.Mentions);
        Assert.Equal("2017-2020", m.StudyPeriod);
    }

    [Fact]
    public void SeriesTable_ForewordAndContents_AreBoilerplate_AndNeverCited()
    {
        var text = Published();
        var m = MetadataExtractor.Extract(text, "widget.docx");

        Assert.Equal(["X.1205", "Y.4000–Y.4049"], m.References.Recommendations);
        var content = DocumentMapper.ContentLines(text.FullText, text.BoilerplateRanges);
        Assert.DoesNotContain(content, l => l.Contains("COUNTERFEITING", StringComparison.Ordinal) || l.Contains("FOREWORD", StringComparison.Ordinal)
            || l.Contains("All rights reserved", StringComparison.Ordinal) || l.Contains("Scope\t1", StringComparison.Ordinal) || l.Contains("SERIES Y", StringComparison.Ordinal));
        Assert.Contains(content, l => l.StartsWith("This Recommendation describes", StringComparison.Ordinal));
        Assert.DoesNotContain(Search.Core.Semantic.Passages.Cut(null, content).Select(p => p.Text), p => p.Contains("COUNTERFEITING", StringComparison.Ordinal) || p.Contains("specialized agency", StringComparison.Ordinal));
    }

    [Fact]
    public void StoredText_IsOneLinePerBlock()
    {
        var text = Published();
        Assert.Equal(text.Blocks.Count, text.FullText.Split('\n').Length);
    }

    [Fact]
    public void BoilerplateRanges_RoundTrip()
    {
        Assert.Equal("0-1,3,5-6", Boilerplate.Ranges([true, true, false, true, false, true, true]));
        Assert.Null(Boilerplate.Ranges([false, false]));
        Assert.Equal(["b", "d"], DocumentMapper.ContentLines("a\nb\nc\nd\n\ne", "0,2,4-5"));
        Assert.Equal(["a", "b"], DocumentMapper.ContentLines("a\nb", null));
    }

    [Fact]
    public void Ranges_AreOneCitation_AndProductNamesAreNotContributions()
    {
        var text = "The ranges Q.5050–Q.5069 and X.1–X.19 are reserved; see also Q.850. The board uses the Intel C610 series chipset; C869 and a C236 chipset were discussed.";
        Assert.Equal(["Q.850"], ItuIdentifiers.Recommendations(text));
        Assert.Equal(["Q.5050–Q.5069", "X.1–X.19"], ItuIdentifiers.RecommendationRanges(text));
        Assert.Equal(["C869"], ItuIdentifiers.ShortNumbers(text));
    }

    [Theory]
    [InlineData("1993-03-12", "1993-1996")]
    [InlineData("2010-05-21", "2009-2012")]
    [InlineData("2012-02-13", "2009-2012")]
    [InlineData("2016-10-28", "2013-2016")]
    [InlineData("2022-01-20", "2017-2020")]
    [InlineData("2024-01-20", "2022-2024")]
    [InlineData("2025-04-08", "2025-2028")]
    public void StudyPeriod_FollowsTheApprovalDate(string date, string period)
    {
        Assert.Equal(period, ItuIdentifiers.StudyPeriodOf(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void AsciiDocHeader_GivesKindNumberAndMeeting()
    {
        var text = TextFileReader.FromPlainText("""
            = Report of the widget meeting
            :docNumber: 74
            :docType: Temporary Document
            :language: en
            == Abstract

            This TD contains the report for Question 11/17 meeting.

            Question 11/17 met during the SG17 meeting held in Geneva, 2025/12/03 under the chairmanship of the Rapporteur.

            The meeting noted an LS from SG2 and a liaison received from SG13.
            """);
        var m = MetadataExtractor.Extract(text, "SG17-WP1-TD74-Q11-report.txt");

        Assert.Equal(DocumentKind.TemporaryDocument, m.Kind);
        Assert.Equal("SG17-TD74/WP1", m.Number);
        Assert.Equal("Report of the widget meeting", m.Title);
        Assert.Equal("Geneva", m.Place);
        Assert.Equal(new DateOnly(2025, 12, 3), m.Date);
        Assert.Equal("2025-2028", m.StudyPeriod);
        Assert.Equal(["SG17"], m.StudyGroups);
        Assert.Equal(["SG2", "SG13"], m.Mentions);
    }

    [Fact]
    public void PlaceAndDateLine_AndLiaisonFieldLayout()
    {
        var text = TextFileReader.FromPlainText("""
            LIAISON STATEMENT
            From Group: ITU-T Study Group 17
            To Group: ITU-T Study Group 20
            Title: Widget identifiers
            Purpose: For information
            Deadline: 15 January 2020
            Attachment: SG17-LS999_att1 widget annex
            Geneva, 14-25 October 2019

            SG17 thanks SG20 for its work on widgets.
            """);
        var m = MetadataExtractor.Extract(text, "widget-ls.txt");

        Assert.Equal(DocumentKind.LiaisonStatement, m.Kind);
        Assert.Equal("SG17", m.From);
        Assert.Equal(["SG20"], m.To);
        Assert.Equal("For information", m.Purpose);
        Assert.Equal(new DateOnly(2020, 1, 15), m.Deadline);
        Assert.Equal("Geneva", m.Place);
        Assert.Equal(new DateOnly(2019, 10, 14), m.MeetingStart);
        Assert.Equal(new DateOnly(2019, 10, 25), m.MeetingEnd);
        Assert.NotEqual("SG17-LS999_att1", m.Number);
    }
}
