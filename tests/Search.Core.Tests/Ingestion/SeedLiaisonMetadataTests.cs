using Microsoft.Extensions.Options;
using Search.Core.Ingestion;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Ingestion;

public sealed class SeedLiaisonMetadataTests
{
    private static readonly Lazy<DocumentMetadata> LazySeed = new(Extract);

    private static DocumentMetadata Seed => LazySeed.Value;

    private static DocumentMetadata Extract()
    {
        var reader = new TextFileReader(Options.Create(new SearchOptions()));
        var text = reader.Read(RepoPaths.SeedLiaison, CancellationToken.None);
        return MetadataExtractor.Extract(text, Path.GetFileName(RepoPaths.SeedLiaison));
    }

    [SharedFact("seed")]
    public void Seed_IsLiaisonStatementFromSg17ToTsag()
    {
        Assert.Equal(DocumentKind.LiaisonStatement, Seed.Kind);
        Assert.Equal("SG17", Seed.From);
        Assert.Equal(["TSAG"], Seed.To);
        Assert.Equal("SG17-LS269", Seed.Number);
    }

    [SharedFact("seed")]
    public void Seed_AnswersTsagLs27()
    {
        Assert.Equal(["TSAG-LS27"], Seed.RepliesTo);
    }

    [SharedFact("seed")]
    public void Seed_CitesContributionsAndTd()
    {
        Assert.Contains("C869", Seed.References.Documents);
        Assert.Contains("C957", Seed.References.Documents);
        Assert.Contains("TD3240", Seed.References.Documents);
        Assert.Contains("TSAG-LS27", Seed.References.Documents);
    }

    [SharedFact("seed")]
    public void Seed_HasQuestionsAndStudyGroups()
    {
        Assert.Equal(["Q15/11", "Q16/13", "Q6/20"], Seed.Questions);
        Assert.Equal(["SG11", "SG13", "SG17", "SG20"], Seed.StudyGroups);
    }

    [SharedFact("seed")]
    public void Seed_HasMeetingDatesAndWtsa20Period()
    {
        Assert.Equal(new DateOnly(2020, 8, 24), Seed.MeetingStart);
        Assert.Equal(new DateOnly(2020, 9, 3), Seed.MeetingEnd);
        Assert.Equal("2017-2020", Seed.StudyPeriod);
        Assert.Contains("WTSA-20", Seed.Assemblies);
    }

    [SharedFact("seed")]
    public void Seed_ListsFieldsItCouldNotFind()
    {
        Assert.Contains("title", Seed.MissingFields);
        Assert.Contains("contact", Seed.MissingFields);
        Assert.DoesNotContain("number", Seed.MissingFields);
        Assert.DoesNotContain("questions", Seed.MissingFields);
    }
}
