using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Search.Core.Classification;
using Search.Core.Indexing;
using Search.Core.Querying;

namespace Search.Host.Http;

/// <summary>
/// Turns errors into ProblemDetails: a bad query is a 400 naming the position, a request over a limit
/// a 400 naming the field and the limit, a parameter that cannot be read a 400 naming it, a busy index
/// a 503, and anything else a 500 that says nothing of the code (the log has the exception).
/// </summary>
public sealed partial class SearchExceptionHandler(ILogger<SearchExceptionHandler> logger) : IExceptionHandler
{
    // 'Failed to bind parameter "int? page" from "abc".', 'Required parameter "bool value" was not provided from query string.'
    [GeneratedRegex(@"parameter ""(?:[^""]*[\s?])?(?<name>[A-Za-z_][A-Za-z0-9_]*)""(?: from ""(?<value>[^""]*)"")?", RegexOptions.CultureInvariant)]
    private static partial Regex BindingFailure();

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // the caller has gone: nobody to answer
        }

        var problem = Problem(exception);
        if (problem.StatusCode >= 500)
        {
            LogFailure(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        }

        await Problems.WriteAsync(httpContext, problem).ConfigureAwait(false);
        return true;
    }

    internal static ProblemHttpResult Problem(Exception exception) => exception switch
    {
        QueryParseException q => Problems.Of(StatusCodes.Status400BadRequest, "Invalid query", q.Message, "q", [new("position", q.Position)]),
        QueryLimitException l => Problems.Of(StatusCodes.Status400BadRequest, "Query over a limit", l.Message, l.Field, [new("limit", l.Limit)]),
        InvalidSearchRequestException r => Problems.Of(StatusCodes.Status400BadRequest, "Invalid request", r.Message, r.Field),
        TopicOverrideException t => t.Field == "id"
            ? Problems.Of(StatusCodes.Status404NotFound, "Document not found", t.Message, t.Field)
            : Problems.Of(StatusCodes.Status400BadRequest, "Invalid topic", t.Message, t.Field),
        BadHttpRequestException bad => Binding(bad),
        Search.Core.Analysis.OverlapUnavailableException o => Problems.Of(StatusCodes.Status503ServiceUnavailable, "Overlap analysis not ready", o.Message),
        IndexBusyException b => Problems.Of(StatusCodes.Status503ServiceUnavailable, "Index busy", b.Message),
        IndexReadOnlyException => Problems.Of(StatusCodes.Status503ServiceUnavailable, "Index read-only", "the index is read-only: nothing was changed"),
        _ => Problems.Of(StatusCodes.Status500InternalServerError, "Internal error", "the service failed to answer this request; the failure is in its log"),
    };

    /// <summary>A parameter the framework could not read (<c>page=abc</c>, <c>from=2024-13-01</c>), named.</summary>
    private static ProblemHttpResult Binding(BadHttpRequestException bad)
    {
        var match = BindingFailure().Match(bad.Message);
        if (!match.Success)
        {
            return Problems.Of(bad.StatusCode, "Invalid request", bad.Message);
        }

        var name = match.Groups["name"].Value;
        var detail = match.Groups["value"].Success
            ? $"'{match.Groups["value"].Value}' is not a valid value for '{name}'"
            : $"the parameter '{name}' is required";
        return Problems.Of(StatusCodes.Status400BadRequest, "Invalid request", detail, name);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, string method, PathString path, Exception exception);
}
