using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Search.Host.Tests.Browser;

/// <summary>The web UI in a real Chromium: search, facets, documents, related documents, overlaps, export, errors.</summary>
public sealed class WebUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly LocatorWaitForOptions Visible = new() { State = WaitForSelectorState.Visible, Timeout = 30_000 };

    private async Task<IPage> OpenAsync(string hash)
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.BaseUrl + "/" + hash);
        return page;
    }

    private static async Task<int> TotalAsync(IPage page)
    {
        var summary = await page.Locator("#summary").InnerTextAsync();
        return int.Parse(Regex.Match(summary, @"^\d+").Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task SearchAsYouType_ShowsHighlightedResultsWithTopicBadges()
    {
        var page = await OpenAsync("#/search");
        await page.Locator("#q").FillAsync("counterfeit devices");
        await page.Locator(".hit mark").First.WaitForAsync(Visible);
        Assert.Contains("q=counterfeit", page.Url, StringComparison.Ordinal);

        Assert.True(await TotalAsync(page) > 0);
        Assert.True(await page.Locator(".hit mark").CountAsync() > 0, "matches are highlighted");
        Assert.True(await page.Locator(".hit .badge.counterfeit").CountAsync() > 0, "topic badges are shown");
        Assert.Contains("hybrid", await page.Locator("#summary").InnerTextAsync(), StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "1-search");
    }

    [Fact]
    public async Task ClickingAFacet_FiltersResults_AndCountsChange()
    {
        var page = await OpenAsync("#/search?q=security&mode=bm25");
        await page.Locator(".hit").First.WaitForAsync(Visible);
        var before = await TotalAsync(page);
        var kindCounts = await page.Locator("[data-facet=kind]").InnerTextAsync();

        await page.Locator("[data-facet=sg] input[value=SG17]").CheckAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('[data-facet=sg] input[value=SG17]').checked && !document.querySelector('#summary').textContent.startsWith('" + before + " ')");

        var after = await TotalAsync(page);
        Assert.True(after < before, $"{after} should be fewer than {before}");
        Assert.NotEqual(kindCounts, await page.Locator("[data-facet=kind]").InnerTextAsync());
        Assert.Contains("sg=SG17", page.Url, StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "2-facet-selected");
    }

    [Fact]
    public async Task OpeningADocument_ShowsMetadataTopicsAndCitations_AndARelatedDocumentCanBeFollowed()
    {
        var page = await OpenAsync("#/search?q=SG13-LS120&mode=bm25");
        await page.Locator(".hit h3 a").First.WaitForAsync(Visible);
        await page.Locator(".hit h3 a", new PageLocatorOptions { HasTextString = "Y.3803" }).First.ClickAsync();

        await page.Locator("#doc-meta dt").First.WaitForAsync(Visible);
        Assert.Contains("Amendment 1", await page.Locator("#doc-title").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("SG13-LS120", await page.Locator("#doc-number").InnerTextAsync(), StringComparison.Ordinal);
        await page.Locator("#doc-topics [data-topic=quantum] .badge").WaitForAsync(Visible);
        await page.Locator("#doc-cited-by a").First.WaitForAsync(Visible);
        Assert.Contains("SG17-LS215", await page.Locator("#doc-cited-by").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("/api/documents/SG13-LS0120.docx/file", await page.Locator("#doc-file").GetAttributeAsync("href"));
        await fixture.ScreenshotAsync(page, "3-document");

        var related = page.Locator("#doc-related a").First;
        await related.WaitForAsync(Visible);
        var title = await related.InnerTextAsync();
        await related.ClickAsync();
        await page.WaitForFunctionAsync("t => document.querySelector('#doc-title') && document.querySelector('#doc-title').textContent === t", title);
        Assert.DoesNotContain("SG13-LS0120", page.Url, StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "4-related-document");
    }

    [Fact]
    public async Task OverlapDashboard_ShowsTheHeatmapAndClustersWithSideBySideEvidence()
    {
        var page = await OpenAsync("#/overlaps");
        await page.Locator(".cluster").First.WaitForAsync(Visible);

        Assert.True(await page.Locator("#heatmap td a").CountAsync() > 3, "heatmap cells link to searches");
        Assert.True(await page.Locator(".cluster .side blockquote").CountAsync() >= 2, "passages side by side");
        var groups = await page.Locator(".cluster h3").First.InnerTextAsync();
        Assert.Matches(@"SG\d+ / SG\d+", groups);
        await fixture.ScreenshotAsync(page, "5-overlaps");

        await page.Locator("#heatmap td a").First.ClickAsync();
        await page.Locator(".hit").First.WaitForAsync(Visible);
        Assert.Contains("topic=", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportCsv_DownloadsTheResultSet()
    {
        var page = await OpenAsync("#/search?q=quantum&mode=bm25");
        await page.Locator(".hit").First.WaitForAsync(Visible);
        var total = await TotalAsync(page);

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-csv").ClickAsync());
        var path = await download.PathAsync();
        var lines = (await File.ReadAllLinesAsync(path!)).Where(l => l.Length > 0).ToList();

        Assert.Equal("search-results.csv", download.SuggestedFilename);
        Assert.StartsWith("id,path,title,kind,number", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Count - 1 >= total, $"{lines.Count - 1} rows for {total} results");
    }

    [Fact]
    public async Task AnInvalidQuery_ShowsTheApiErrorToTheUser()
    {
        var page = await OpenAsync("#/search");
        await page.Locator("#q").FillAsync("quantum AND");
        var error = page.Locator("#error");
        await error.WaitForAsync(Visible);

        Assert.Contains("position 12", await error.InnerTextAsync(), StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "6-error");
    }

    [Fact]
    public async Task TheSearchCanBeUsedWithTheKeyboard()
    {
        var page = await OpenAsync("#/search");
        await page.Keyboard.PressAsync("Tab"); // skip link
        await page.Keyboard.PressAsync("Tab"); // brand
        await page.Locator("#q").FocusAsync();
        await page.Keyboard.TypeAsync("key management");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator(".hit").First.WaitForAsync(Visible);
        await page.Keyboard.PressAsync("Tab");
        var focused = await page.EvaluateAsync<string>("() => document.activeElement.getAttribute('name') || document.activeElement.tagName");
        Assert.Equal("mode", focused);
    }

    [Fact]
    public async Task WriteButtons_ShowOnlyOnceTheKeyIsGiven_AndTheKeyIsAskedOnce()
    {
        var page = await OpenAsync("#/doc/SG20-LS0088.docx");
        await page.Locator("#topics-locked").WaitForAsync(Visible);
        Assert.Equal(0, await page.Locator("#doc-topics button", new PageLocatorOptions { HasTextString = "Tag" }).CountAsync());

        await page.Locator("#topics-locked button").ClickAsync();
        await page.Locator("#key-input").FillAsync("wrong-key");
        await page.Locator("#key-save").ClickAsync();
        await page.Locator("#key-error").WaitForAsync(Visible);
        Assert.Contains("Wrong API key", await page.Locator("#key-error").InnerTextAsync(), StringComparison.Ordinal);

        await page.Locator("#key-input").FillAsync(BrowserFixture.ApiKey);
        await page.Locator("#key-save").ClickAsync();
        var tag = page.Locator("#doc-topics [data-topic=counterfeit] button", new PageLocatorOptions { HasTextString = "Tag" });
        await tag.WaitForAsync(Visible);
        Assert.Equal("Forget API key", await page.Locator("#key-button").InnerTextAsync());
        await tag.ClickAsync();
        await page.Locator("#doc-topics [data-topic=counterfeit]", new PageLocatorOptions { HasTextString = "set by hand" }).WaitForAsync(Visible);
        await fixture.ScreenshotAsync(page, "7-topics-with-key");

        // Kept for the tab: a reload does not ask again. Auto gives the decision back (the fixture is shared).
        await page.ReloadAsync();
        var auto = page.Locator("#doc-topics [data-topic=counterfeit] button", new PageLocatorOptions { HasTextString = "Auto" });
        await auto.WaitForAsync(Visible);
        await auto.ClickAsync();
        await page.WaitForFunctionAsync("() => !document.querySelector('#doc-topics [data-topic=counterfeit]').textContent.includes('set by hand')");
        Assert.False(await page.Locator("#key-dialog").IsVisibleAsync());
    }
}
