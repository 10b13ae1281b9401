using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Search.Core.Classification;
using Search.Core.Indexing;
using Search.Core.Querying;

namespace Search.Host.Http;

/// <summary>Turns search errors into ProblemDetails: a bad query is a 400 naming the position, a busy index a 503.</summary>
public sealed class SearchExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ProblemDetails? problem = exception switch
        {
            QueryParseException q => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Invalid query",
                Detail = q.Message,
                Extensions = { ["position"] = q.Position },
            },
            InvalidSearchRequestException r => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Invalid request",
                Detail = r.Message,
                Extensions = { ["field"] = r.Field },
            },
            TopicOverrideException t => new ProblemDetails
            {
                Status = t.Field == "id" ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest,
                Title = t.Field == "id" ? "Document not found" : "Invalid topic",
                Detail = t.Message,
                Extensions = { ["field"] = t.Field },
            },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "Invalid request",
                Detail = bad.Message,
            },
            Search.Core.Analysis.OverlapUnavailableException o => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Overlap analysis not ready",
                Detail = o.Message,
            },
            IndexBusyException b => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Index busy",
                Detail = b.Message,
            },
            IndexReadOnlyException r => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Index read-only",
                Detail = "the index is read-only: nothing was changed",
            },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        }).ConfigureAwait(false);
    }
}
