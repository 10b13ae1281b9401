using Search.Core.Indexing;
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
        builder.Services.AddApiDocumentation();
        builder.Services.AddValidation();
        builder.Services.AddHostedService<MaintenanceBackgroundService>();
        builder.Services.AddHostedService<OverlapWarmer>();
        builder.Services.AddSingleton<SearchWarmer>();
        builder.Services.AddHostedService(s => s.GetRequiredService<SearchWarmer>());
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
        app.MapApiDocumentation();
        app.MapSearchApi();
        app.MapHealth();

        // Keyword search must answer from the first request: build the index from the corpus if it was never built,
        // and tag its documents with the text model (quick); embeddings and the rest follow in the background.
        var bootstrapper = app.Services.GetRequiredService<IndexBootstrapper>();
        if (await bootstrapper.EnsureIndexAsync(progress: null, cancellationToken).ConfigureAwait(false) is not null)
        {
            await app.Services.GetRequiredService<Search.Core.Enrichment.IndexMaintenance>()
                .CatchUpAsync(progress: null, TimeSpan.Zero, cancellationToken, embed: false).ConfigureAwait(false);
        }

        // The key (configured, or generated at first start) is ready, and its location logged, before the first request.
        app.Services.GetRequiredService<ApiKeys>();
        return app;
    }
}
