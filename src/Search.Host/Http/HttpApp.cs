using Search.Core;
using Search.Core.Ingestion;

namespace Search.Host.Http;

/// <summary>Builds the web application: API, OpenAPI document, ProblemDetails errors and the static UI.</summary>
public static class HttpApp
{
    public static async Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Services.AddSearchCore();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<SearchExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddValidation();
        builder.Services.AddHostedService<SemanticBackgroundService>();
        builder.Services.AddHostedService<OverlapWarmer>();
        builder.Services.AddSingleton<ApiKeys>();

        // A parameter that cannot be read throws, so that the exception handler names it in a ProblemDetails.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages(Problems.StatusCodePageAsync);
        app.UseRequestEncodingGuard();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseApiKeys();
        app.MapOpenApi();
        app.MapSearchApi();
        app.MapHealth();

        // Keyword search must answer from the first request: build the index from the corpus if it is empty.
        var bootstrapper = app.Services.GetRequiredService<IndexBootstrapper>();
        await bootstrapper.EnsureIndexAsync(progress: null, cancellationToken).ConfigureAwait(false);

        // The key (configured, or generated at first start) is ready, and its location logged, before the first request.
        app.Services.GetRequiredService<ApiKeys>();
        return app;
    }
}
