using Microsoft.Extensions.Options;
using Search.Core;

namespace Search.Host.Http;

/// <summary>Endpoint metadata: the endpoint changes state, so it needs an API key.</summary>
public sealed class RequiresApiKey
{
    public static RequiresApiKey Instance { get; } = new();

    private RequiresApiKey()
    {
    }
}

/// <summary>
/// Write access control: an endpoint marked <see cref="RequireApiKey{TBuilder}"/> (and, with
/// <see cref="SearchOptions.RequireKeyForReads"/>, every <c>/api</c> and <c>/openapi</c> request)
/// answers 401 without a key and 403 with a wrong one, before its parameters are even read.
/// </summary>
public static class AccessControl
{
    /// <summary>Marks the endpoint as one that needs an API key.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(RequiresApiKey.Instance);

    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var options = context.RequestServices.GetRequiredService<IOptions<SearchOptions>>().Value;
        var needsKey = context.GetEndpoint()?.Metadata.GetMetadata<RequiresApiKey>() is not null
            || (options.RequireKeyForReads && (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/openapi")));
        if (!needsKey)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var presented = ApiKeys.Presented(context.Request);
        if (presented is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"search\"";
            await Problems.WriteAsync(context, Problems.Of(StatusCodes.Status401Unauthorized, "API key required",
                $"this request needs an API key: send it as the {ApiKeys.HeaderName} header or as Authorization: Bearer", ApiKeys.HeaderName)).ConfigureAwait(false);
            return;
        }

        if (!context.RequestServices.GetRequiredService<ApiKeys>().IsValid(presented))
        {
            await Problems.WriteAsync(context, Problems.Of(StatusCodes.Status403Forbidden, "Wrong API key",
                "the API key sent is not one of this service's keys", ApiKeys.HeaderName)).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });
}
