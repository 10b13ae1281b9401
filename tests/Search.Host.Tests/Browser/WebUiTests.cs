using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Search.Host.Tests.Browser;

/// <summary>The web UI in a real Chromium: search, facets, documents, related documents, overlaps, export, errors.</summary>
public sealed class WebUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly LocatorWaitForOptions Visible = new() { State = WaitForSelectorState.Visible, Timeout = 30_000 };

    private async Task<IPage> OpenAsync(string hash, int width = 1280)
    {
        var page = await fixture.NewPageAsync(width);
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

        // The dashboard asks with the defaults of the API, which are the CLI's: `search overlaps` prints these clusters.
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        using var api = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/overlaps", UriKind.Relative)));
        var clusters = api.RootElement.GetProperty("clusters").GetArrayLength();
        Assert.Equal(clusters, await page.Locator(".cluster").CountAsync());
        var summary = await page.Locator("#overlap-summary").InnerTextAsync();
        Assert.Contains($"in {clusters} clusters", summary, StringComparison.Ordinal);
        Assert.Contains("The same as search overlaps.", summary, StringComparison.Ordinal);
        Assert.Equal(Search.Host.Cli.OverlapsCommand.DefaultTop.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.Locator("#overlap-top").InputValueAsync());

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

        Assert.Equal($"search-quantum-{DateTime.UtcNow:yyyy-MM-dd}.csv", download.SuggestedFilename);
        Assert.StartsWith("rank,score,id,path,title,kind,number,group", lines[0], StringComparison.Ordinal);
        Assert.Contains(",deadline,forAction,", lines[0], StringComparison.Ordinal);
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

    [Fact]
    public async Task BackAndForward_MoveThroughSearches_AndTheBoxAndFacetsFollow()
    {
        var page = await OpenAsync("#/search?mode=bm25");
        await page.Locator("#q").FillAsync("security");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("[data-facet=sg] input[value=SG17]").WaitForAsync(Visible);
        await page.Locator("[data-facet=sg] input[value=SG17]").CheckAsync();
        await page.WaitForFunctionAsync("() => location.hash.includes('sg=SG17') && document.querySelector('[data-facet=sg] input[value=SG17]').checked");
        var filtered = await TotalAsync(page);

        await page.GoBackAsync();
        await page.WaitForFunctionAsync("() => !location.hash.includes('sg=') && !document.querySelector('[data-facet=sg] input[value=SG17]').checked");
        Assert.StartsWith(fixture.BaseUrl, page.Url, StringComparison.Ordinal); // Back stays in the app
        Assert.Equal("security", await page.Locator("#q").InputValueAsync());
        await page.WaitForFunctionAsync($"() => !document.querySelector('#summary').textContent.startsWith('{filtered} ')");

        await page.GoBackAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#q') && document.querySelector('#q').value === '' && !location.hash.includes('q=')");

        await page.GoForwardAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#q').value === 'security'");
        await page.GoForwardAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('[data-facet=sg] input[value=SG17]') && document.querySelector('[data-facet=sg] input[value=SG17]').checked");
        await page.WaitForFunctionAsync($"() => document.querySelector('#summary').textContent.startsWith('{filtered} ')");
        Assert.Equal("security", await page.Locator("#q").InputValueAsync());
    }

    [Fact]
    public async Task TheModeAndThePage_AreInTheUrl_AndAUrlWithThemIsDrawnAsItSays()
    {
        var page = await OpenAsync("#/search?q=security&mode=bm25&page=2");
        await page.Locator(".hit").First.WaitForAsync(Visible);
        Assert.StartsWith("Page 2 of", await page.Locator("#pager span").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("input[name=mode][value=bm25]").IsCheckedAsync());

        await page.Locator("#pager button", new PageLocatorOptions { HasTextString = "Previous" }).ClickAsync();
        await page.WaitForFunctionAsync("() => !location.hash.includes('page=') && document.querySelector('#pager span').textContent.startsWith('Page 1 ')");
        await page.Locator("input[name=mode][value=semantic]").CheckAsync();
        await page.WaitForFunctionAsync("() => location.hash.includes('mode=semantic')");
        await page.GoBackAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('input[name=mode][value=bm25]').checked");
    }

    [Fact]
    public async Task AUrlChangeInAnOpenTab_UpdatesTheSearchBox()
    {
        var page = await OpenAsync("#/search?q=quantum&mode=bm25");
        await page.Locator(".hit").First.WaitForAsync(Visible);
        await page.Locator("#q").FocusAsync(); // the box has the focus, as after typing

        await page.EvaluateAsync("() => { location.hash = '#/search?q=counterfeit&mode=bm25'; }");

        await page.WaitForFunctionAsync("() => document.querySelector('#q').value === 'counterfeit'");
        await page.Locator(".hit mark", new PageLocatorOptions { HasTextString = "ounterfeit" }).First.WaitForAsync(Visible);
    }

    [Fact]
    public async Task AnErrorAfterResults_ReplacesThem()
    {
        var page = await OpenAsync("#/search?q=quantum&mode=bm25");
        await page.Locator(".hit").First.WaitForAsync(Visible);

        await page.Locator("#q").FillAsync("quantum AND");
        await page.Locator("#error").WaitForAsync(Visible);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.hit').length === 0");
        Assert.Equal(0, await page.Locator("#facets details").CountAsync());
        Assert.Contains("failed", await page.Locator("#summary").InnerTextAsync(), StringComparison.Ordinal);

        // A facet value no document has is an error too, named in the alert.
        await page.EvaluateAsync("() => { location.hash = '#/search?q=quantum&mode=bm25&sg=99'; }");
        await page.WaitForFunctionAsync("() => document.querySelector('#error').textContent.includes(\"no document has sg '99'\")");
        Assert.Equal(0, await page.Locator(".hit").CountAsync());
    }

    [Fact]
    public async Task NarrowScreen_ShowsTheFirstResultBeforeTheFacets_AndFoldsThem()
    {
        var page = await OpenAsync("#/search?q=security&mode=bm25", width: 400);
        var first = page.Locator(".hit").First;
        await first.WaitForAsync(Visible);

        var hit = await first.BoundingBoxAsync();
        var facets = await page.Locator("#facets").BoundingBoxAsync();
        Assert.True(hit!.Y < facets!.Y, $"first result at {hit.Y}, facets at {facets.Y}");
        Assert.True(hit.Y < 900, $"the first result starts {hit.Y} px down, below the first screen");
        Assert.True(hit.X + hit.Width <= 400, "no horizontal scrolling");
        Assert.Equal(0, await page.Locator("#facets details[open]").CountAsync());
        await fixture.ScreenshotAsync(page, "8-search-400px");

        // Folded facets open on demand.
        await page.Locator("[data-facet=sg] summary").ClickAsync();
        await page.Locator("[data-facet=sg] input").First.WaitForAsync(Visible);
    }

    [Fact]
    public async Task WideScreen_ShowsFacetsBesideTheResults()
    {
        var page = await OpenAsync("#/search?q=security&mode=bm25", width: 1400);
        var first = page.Locator(".hit").First;
        await first.WaitForAsync(Visible);

        var hit = await first.BoundingBoxAsync();
        var facets = await page.Locator("#facets").BoundingBoxAsync();
        Assert.True(facets!.X + facets.Width <= hit!.X, "facets left of the results");
        Assert.True(await page.Locator("#facets details[open]").CountAsync() > 0);
        await fixture.ScreenshotAsync(page, "9-search-1400px");
    }

    [Fact]
    public async Task SkipToResults_ComesBeforeTheFacets_AndMovesTheFocusToTheResults()
    {
        var page = await OpenAsync("#/search?q=security&mode=bm25");
        await page.Locator(".hit").First.WaitForAsync(Visible);
        await page.Locator("#sort").FocusAsync();

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to results", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Enter");

        Assert.Equal("results", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Contains("q=security", page.Url, StringComparison.Ordinal); // the route did not change
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("A", await page.EvaluateAsync<string>("() => document.activeElement.tagName")); // the first result's link, or the export links
    }

    [Fact]
    public async Task WhyThisResult_HidesTheNumbersUntilAsked()
    {
        var page = await OpenAsync("#/search?q=security&mode=bm25");
        var toggle = page.Locator(".hit .why-toggle").First;
        await toggle.WaitForAsync(Visible);
        Assert.False(await page.Locator(".hit .why").First.IsVisibleAsync());
        Assert.Equal("false", await toggle.GetAttributeAsync("aria-expanded"));

        await toggle.ClickAsync();

        Assert.Equal("true", await toggle.GetAttributeAsync("aria-expanded"));
        Assert.Contains("keyword", await page.Locator(".hit .why").First.InnerTextAsync(), StringComparison.Ordinal);
    }

    /// <summary>The fields of the search-semantics contract, answered by a stand-in of the API in the browser.</summary>
    private const string ContractResponse = """
        {"query":"quantm","total":1,"page":1,"pageSize":10,"elapsedMilliseconds":2,"mode":"bm25","requestedMode":"bm25","notice":null,
         "didYouMean":"quantum","typoMatches":true,"nothingMatchedWell":true,
         "hits":[{"id":"SG17-LS0215.docx","path":"SG17-LS0215.docx","title":"LS on quantum key distribution","kind":"ls","score":1.5,"snippet":"about <mark>quantum</mark> keys",
           "metadata":{"number":"SG17-LS215","group":"SG17","date":"2024-03-01","questions":["Q15/17"]},"topics":["quantum"],
           "scores":{"keyword":1.5,"keywordRank":1,"semantic":null,"semanticRank":null,"fused":1.5,"identifierMatch":false},
           "why":["matches quantum (a close spelling of quantm) in the title","about the same subject as your words"]}],
         "facets":{"sg":[{"value":"SG17","count":1,"selected":false}]}}
        """;

    [Fact]
    public async Task DidYouMean_NothingMatchedWell_AndWhy_AreShownWhenTheResponseHasThem()
    {
        var page = await fixture.NewPageAsync();
        await page.RouteAsync("**/api/search?*", route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = ContractResponse }));
        await page.GotoAsync(fixture.BaseUrl + "/#/search?q=quantm&mode=bm25");

        var suggestion = page.Locator("#did-you-mean a");
        await suggestion.WaitForAsync(Visible);
        Assert.Equal("quantum", await suggestion.InnerTextAsync());
        Assert.Contains("q=quantum", await suggestion.GetAttributeAsync("href"), StringComparison.Ordinal);
        Assert.Equal("Nothing matched well — nearest documents", await page.Locator("#nothing-matched").InnerTextAsync());
        Assert.True(await page.Locator("#typo-matches").IsVisibleAsync());

        await page.Locator(".hit .why-toggle").ClickAsync();
        Assert.Contains("a close spelling of quantm", await page.Locator(".hit .why").InnerTextAsync(), StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "10-did-you-mean");

        await suggestion.ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#q').value === 'quantum'");
    }

    [Fact]
    public async Task Autocomplete_IsAnAccessibleCombobox_WorkedWithArrowsEnterAndEscape()
    {
        var page = await fixture.NewPageAsync();
        await page.RouteAsync("**/api/suggest?*", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200, ContentType = "application/json",
            Body = """{"query":"qua","suggestions":[{"text":"quantum key distribution","kind":"title","id":null},{"text":"SG17-LS215","kind":"number","id":"SG17-LS0215.docx"}]}""",
        }));
        await page.GotoAsync(fixture.BaseUrl + "/#/search?mode=bm25");
        var box = page.Locator("#q");
        Assert.Equal("combobox", await box.GetAttributeAsync("role"));

        await box.PressSequentiallyAsync("qua");
        var list = page.Locator("#suggestions[role=listbox]");
        await list.WaitForAsync(Visible);
        Assert.Equal("true", await box.GetAttributeAsync("aria-expanded"));
        Assert.Equal(2, await list.Locator("[role=option]").CountAsync());
        await fixture.ScreenshotAsync(page, "11-autocomplete");

        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("suggestion-0", await box.GetAttributeAsync("aria-activedescendant"));
        Assert.Equal("true", await page.Locator("#suggestion-0").GetAttributeAsync("aria-selected"));
        await page.Keyboard.PressAsync("Escape");
        await list.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });
        Assert.Equal("false", await box.GetAttributeAsync("aria-expanded"));

        await box.PressSequentiallyAsync("n");
        await list.WaitForAsync(Visible);
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.querySelector('#q').value === 'quantum key distribution' && location.hash.includes('q=quantum+key+distribution')");
        Assert.True(await list.IsHiddenAsync());

        // A suggestion that is a document opens it.
        await box.FillAsync("");
        await box.PressSequentiallyAsync("SG17");
        await list.WaitForAsync(Visible);
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => location.hash === '#/doc/SG17-LS0215.docx'");
    }

    [Fact]
    public async Task WithoutTheSuggestEndpoint_TheBoxWorksQuietly()
    {
        var page = await fixture.NewPageAsync();
        await page.RouteAsync("**/api/suggest?*", route => route.FulfillAsync(new RouteFulfillOptions { Status = 404, ContentType = "application/problem+json", Body = """{"title":"Not found","status":404}""" }));
        await page.GotoAsync(fixture.BaseUrl + "/#/search?mode=bm25");

        await page.Locator("#q").PressSequentiallyAsync("quantum");
        await page.Locator(".hit").First.WaitForAsync(Visible);

        Assert.True(await page.Locator("#suggestions").IsHiddenAsync());
        Assert.True(await page.Locator("#error").IsHiddenAsync());
    }
}
