using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Search.Host.Tests.Support;

namespace Search.Host.Tests.Http;

/// <summary><c>GET /api/suggest</c>: autocomplete over numbers, Questions, Recommendations, acronyms, titles and words.</summary>
public sealed class SuggestApiTests : IDisposable
{
    private readonly SearchApplication _app = new();
    private readonly HttpClient _client;

    public SuggestApiTests()
    {
        foreach (var n in new[] { 201, 245, 269 })
        {
            File.WriteAllText(Path.Combine(_app.Corpus, $"SG17-LS{n:0000}.txt"), $"""
                INTERNATIONAL TELECOMMUNICATION UNION
                STUDY PERIOD 2025-2028

                SG17-LS{n}

                Question(s): 15/17
                Place and date: Geneva, 3-12 March 2025

                LIAISON STATEMENT

                Source: ITU-T Study Group 17
                Title: Liaison statement {n} on security
                Purpose: Information

                1 Introduction

                Study Group 17 informs about PKI and security work item {n}.
                """);
        }

        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Fact]
    public async Task Suggest_ListsTheLiaisonNumbersOfAGroup()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>(new Uri("/api/suggest?q=SG17-LS2", UriKind.Relative));

        Assert.Equal("SG17-LS2", body.GetProperty("query").GetString());
        var numbers = body.GetProperty("suggestions").EnumerateArray()
            .Where(s => s.GetProperty("kind").GetString() == "number")
            .Select(s => s.GetProperty("text").GetString()).ToList();
        Assert.Equal(["SG17-LS201", "SG17-LS245", "SG17-LS269"], numbers);
        Assert.Equal("SG17-LS0201.txt", body.GetProperty("suggestions")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Suggest_CompletesQuestionsAndWords_AndHonoursTheLimit()
    {
        var questions = await _client.GetFromJsonAsync<JsonElement>(new Uri("/api/suggest?q=Q15", UriKind.Relative));
        Assert.Contains(questions.GetProperty("suggestions").EnumerateArray(), s => s.GetProperty("text").GetString() == "Q15/17" && s.GetProperty("kind").GetString() == "question");

        var limited = await _client.GetFromJsonAsync<JsonElement>(new Uri("/api/suggest?q=s&limit=2", UriKind.Relative));
        Assert.True(limited.GetProperty("suggestions").GetArrayLength() <= 2);
    }

    [Fact]
    public async Task Suggest_OverTheLimit_IsAProblem()
    {
        using var response = await _client.GetAsync(new Uri("/api/suggest?q=s&limit=21", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
