using Search.Core.Ingestion;

namespace Search.Core.Tests.Ingestion;

/// <summary>
/// Dates as ITU texts write them, each form after the characters the quick check before the month
/// expressions looks for (a letter or a digit, an optional '.' and ',', white space, four digits);
/// and texts the check spares, where only ISO dates can be found.
/// </summary>
public sealed class DateExpressionsTests
{
    public static TheoryData<string, string, string> Dates => new()
    {
        { "held 24 August – 3 September 2020 in Geneva", "2020-08-24", "2020-09-03" },
        { "Geneva, 4-13 September 2024", "2024-09-04", "2024-09-13" },
        { "from 30 December 2019 to 2 January 2020", "2019-12-30", "2020-01-02" },
        { "on 15 January 2025.", "2025-01-15", "2025-01-15" },
        { "on 1st Feb. 2021", "2021-02-01", "2021-02-01" },
        { "on 3 Sept.,\t2018", "2018-09-03", "2018-09-03" },
        { "on 3 Dec.\u00A02018", "2018-12-03", "2018-12-03" },
        { "on March 5, 2019", "2019-03-05", "2019-03-05" },
        { "on MAY 5 \n 2019", "2019-05-05", "2019-05-05" },
        { "approved 2024-09-04", "2024-09-04", "2024-09-04" },
        { "Year: 2025, dated 2025/12/03", "2025-12-03", "2025-12-03" },
    };

    [Theory]
    [MemberData(nameof(Dates))]
    public void Find_GivesTheFirstDateOrRange(string text, string start, string end)
    {
        var found = DateExpressions.Find(text);

        Assert.NotEmpty(found);
        Assert.Equal(start, DateExpressions.Iso8601(found[0].Start));
        Assert.Equal(end, DateExpressions.Iso8601(found[0].End));
    }

    [Theory]
    [InlineData("Year: 2025")]
    [InlineData("relative risk 2.64, 1.62 to 4.31 in May")]
    [InlineData("")]
    public void TextsWithoutAWrittenYear_HoldNoDate(string text) => Assert.Empty(DateExpressions.Find(text));
}
