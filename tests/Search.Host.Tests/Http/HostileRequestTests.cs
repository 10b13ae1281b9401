using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Http;

/// <summary>
/// Requests an anonymous caller could send to take the service down or make it misbehave: each is
/// answered with a 400 ProblemDetails naming what is wrong, or within the time budget, and the
/// service still answers /healthz afterwards.
/// </summary>
public sealed class HostileRequestTests : IDisposable
{
    /// <summary>Far more than the time budget (3 s by default), so that a slow shared machine never fails a test.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private readonly SearchApplication _app = new();
    private readonly HttpClient _client;

    public HostileRequestTests()
    {
        _client = _app.CreateClient();
        _client.Timeout = Generous;
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private static string Q(string query) => "/api/search?q=" + Uri.EscapeDataString(query);

    private static string Terms(int count, string suffix) =>
        string.Join(' ', Enumerable.Range(0, count).Select(i => $"{(char)('a' + (i / 26 % 26))}{(char)('a' + (i % 26))}{suffix}"));

    /// <summary>Hostile requests and the field the 400 must name (null: a 200 within the budget is fine too).</summary>
    public static TheoryData<string, string?> Hostile => new()
    {
        { "/api/search?q=%2F.%7B1%2C100000%7D%2F", "q" },
        { Q("/.{1,60000}/"), "q" },
        { Q("/" + new string('a', 500) + "/"), "q" },
        { Q("/(a+)+b/"), "q" },
        { Q("title:/(x+x+)+y/"), "q" },
        { Q("/.*a.{20}/"), "q" },
        { Q("/.{1,50}x.{1,50}y.{1,50}/"), "q" },
        { Q("a*b?????????????????"), "q" },
        { Q(Terms(250, "*")), "q" },
        { Q(Terms(200, "~2")), "q" },
        { Q(string.Join(" OR ", Enumerable.Range(0, 3000).Select(i => "t" + i))), "q" },
        { Q(new string('(', 2000) + "a" + new string(')', 2000)), "q" },
        { Q("*a*"), "q" },
        { Q("title:[* TO *] OR [a TO zzzzzz]"), null },
        { Q(string.Join(' ', Enumerable.Repeat("security", 100))), null },
        { "/api/search?q=x&sg=" + string.Join(',', Enumerable.Range(0, 1025)), "sg" },
        { "/api/search?q=x&page=10000000", "page" },
        { "/api/search?q=x&page=99999999999999999999", "page" },
        { "/api/search?q=x&page=abc", "page" },
        { "/api/search?q=x&pageSize=100000", "pageSize" },
        { "/api/search?q=x&from=2024-13-01", "from" },
        { "/api/search?q=x&colour=red", "colour" },
        { "/api/facets?name=nosuchfacet", "name" },
        { "/api/search?q=secu%00rity", "q" },
        { "/api/search?q=%ff%fe%c3%28abc", "q" },
        { "/api/search?q=%ed%a0%80x", "q" },
        { "/api/search?q=x&sg=1%00", "sg" },
        // (A NUL in the path, /api/documents/abc%00def/file, is refused by the server itself, Kestrel or the test server, before the application.)
        { "/api/documents/%ff%fe/file", "id" },
        { "/api/documents/..%c0%af..%c0%afetc%c0%afpasswd/file", "id" },
        { "/api/documents/SG11-C0001.txt/related?limit=abc", "limit" },
        { "/api/overlaps?minSimilarity=lots", "minSimilarity" },
        { "/api/overlaps?colour=red", "colour" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task HostileRequest_IsA400NamingTheField_OrAnswersWithinTheBudget_AndTheServiceLivesOn(string url, string? field)
    {
        using var response = await _client.GetAsync(new Uri(url, UriKind.Relative));
        if (field is null && response.StatusCode == HttpStatusCode.OK)
        {
            // Answered within the budget (the client's generous timeout would have thrown otherwise).
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (field is not null)
            {
                Assert.Equal(field, problem.GetProperty("field").GetString());
            }

            Assert.DoesNotContain("   at ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var health = await _client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task TheStackOverflowRegex_IsRefusedNamingTheLimit()
    {
        using var response = await _client.GetAsync(new Uri("/api/search?q=%2F.%7B1%2C100000%7D%2F", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("MaxRegexRepeat", problem.GetProperty("limit").GetString());
        Assert.Contains("100000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The framework's own errors (routing, methods, unknown documents) are ProblemDetails too.</summary>
    [Theory]
    [InlineData("GET", "/api/nosuch", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/documents/nope.txt", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/documents/nope.txt/file", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/documents/nope.txt/links", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/documents/SG11-C0001.txt%2F..%2F..%2Fetc%2Fpasswd/file", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/documents/SG11-C0001.txt%2F..%2F..%2Fetc%2Fpasswd", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/documents//etc/passwd/file", HttpStatusCode.NotFound)]
    [InlineData("PUT", "/api/search?q=x", HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "/api/search?q=x", HttpStatusCode.MethodNotAllowed)]
    [InlineData("DELETE", "/api/documents/SG11-C0001.txt", HttpStatusCode.MethodNotAllowed)]
    [InlineData("PATCH", "/healthz", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "/api/overlaps", HttpStatusCode.ServiceUnavailable)]
    public async Task FrameworkErrors_AreProblemDetails(string method, string url, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await _client.SendAsync(request);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task AnIdWithSomethingAfterIt_IsNotTheDocument()
    {
        using var real = await _client.GetAsync(new Uri("/api/documents/SG11-C0001.txt/file", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        using var appended = await _client.GetAsync(new Uri("/api/documents/SG11-C0001.txt%2F..%2F..%2Fetc%2Fpasswd/file", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, appended.StatusCode);
        Assert.Equal("id", (await appended.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }
}
