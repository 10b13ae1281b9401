using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Search.Host.Http;

/// <summary>
/// Every error answer is <c>application/problem+json</c>, whatever the request's <c>Accept</c> says:
/// a <see cref="ProblemHttpResult"/> writes through the ProblemDetails service when it can, and as
/// problem+json itself when it cannot.
/// </summary>
public static class Problems
{
    /// <summary>A ProblemDetails naming the request <paramref name="field"/> at fault (when there is one).</summary>
    public static ProblemHttpResult Of(int status, string title, string detail, string? field = null, IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        foreach (var (key, value) in extensions ?? [])
        {
            problem.Extensions[key] = value;
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult NotFound(string id) =>
        Of(StatusCodes.Status404NotFound, "Document not found", $"no document with id '{id}'", "id");

    /// <summary>Writes <paramref name="problem"/> as the response.</summary>
    public static Task WriteAsync(HttpContext context, ProblemHttpResult problem)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problem);
        return problem.ExecuteAsync(context);
    }

    /// <summary>The body of a bodyless error the framework answered (unknown route, wrong method, failed binding).</summary>
    public static Task StatusCodePageAsync(StatusCodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var (title, detail) = status switch
        {
            StatusCodes.Status404NotFound => ("Not found", $"nothing is at {http.Request.Path}"),
            StatusCodes.Status405MethodNotAllowed => ("Method not allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}"),
            StatusCodes.Status415UnsupportedMediaType => ("Unsupported media type", "the request body is of a type this endpoint does not read"),
            _ => (ReasonPhrases(status), ReasonPhrases(status)),
        };
        return WriteAsync(http, Of(status, title, detail));
    }

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
