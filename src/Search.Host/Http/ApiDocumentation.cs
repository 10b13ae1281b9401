using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Search.Core.Indexing;

namespace Search.Host.Http;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) and its documentation page (<c>/docs</c>, Swagger UI served from
/// the package's embedded files: no CDN, works offline). Facet filters are read from the query string by name, so
/// the generator cannot see them: <see cref="Describe"/> adds them, and the ProblemDetails error answers of every route.
/// </summary>
public static class ApiDocumentation
{
    /// <summary>Where the documentation page is served.</summary>
    public const string DocsPath = "docs";

    /// <summary>The operations that take facet filters as query parameters.</summary>
    private static readonly HashSet<string> FacetOperations = new(StringComparer.Ordinal) { "Search", "ExportSearch", "Facets" };

    private static readonly Dictionary<string, string> FacetDescriptions = new(StringComparer.Ordinal)
    {
        [IndexFields.StudyGroup] = "Study group the document belongs to (sg=17, sg=SG17); repeat or comma-separate for OR",
        [IndexFields.Question] = "Question (question=15/11, question=Q15/11)",
        [IndexFields.Kind] = "Kind: contribution, td, ls (liaison), report, recommendation, other",
        [IndexFields.StudyPeriod] = "Study period (period=2022-2024)",
        [IndexFields.Year] = "Year of the document's date (year=2024)",
        [IndexFields.Topic] = "Security topic of the taxonomy (topic=quantum)",
        [IndexFields.Format] = "File format: docx, pdf, txt",
        [IndexFields.Series] = "Recommendation series (series=Y)",
        [IndexFields.Mentions] = "Study group named only in the document's text (mentions=SG13)",
    };

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi(o => o.AddDocumentTransformer((document, context, ct) =>
        {
            Describe(document);
            return Task.CompletedTask;
        }));

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = DocsPath;
            o.DocumentTitle = "Search API";
            o.SwaggerEndpoint("/openapi/v1.json", "Search API v1");
            // Swagger UI would otherwise send the document to an online validator.
            o.EnableValidator(null);
        });
        return app;
    }

    /// <summary>Adds the facet parameters and the ProblemDetails answers (400, 401, 403, 404, 503) to the document.</summary>
    internal static void Describe(OpenApiDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas["ProblemDetails"] = ProblemDetailsSchema();

        foreach (var (path, item) in document.Paths)
        {
            if (item.Operations is null || !path.StartsWith("/api", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var (method, operation) in item.Operations)
            {
                if (operation.OperationId is { } id && FacetOperations.Contains(id))
                {
                    AddFacetParameters(operation);
                }

                var write = method == HttpMethod.Put || method == HttpMethod.Delete;
                AddProblem(document, operation, 400, "Invalid request: an unknown parameter or facet value, a facet value no document has, an invalid query (with its position) or a query over a limit or its time budget");
                AddProblem(document, operation, 401, write ? "No API key (X-Api-Key or Authorization: Bearer)" : "No API key, when the service requires one for reads (Search:RequireKeyForReads)");
                AddProblem(document, operation, 403, "A wrong API key");
                if (path.Contains("{id}", StringComparison.Ordinal))
                {
                    AddProblem(document, operation, 404, "No document with this id");
                }

                if (write || path.StartsWith("/api/overlaps", StringComparison.Ordinal))
                {
                    AddProblem(document, operation, 503, write
                        ? "The index is busy (another process writes it) or read-only: nothing was changed"
                        : "The overlap analysis needs the semantic index, which is not ready yet");
                }
            }
        }
    }

    private static void AddFacetParameters(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        foreach (var facet in IndexFields.Facets)
        {
            if (operation.Parameters.Any(p => p.Name == facet))
            {
                continue;
            }

            operation.Parameters.Add(new OpenApiParameter
            {
                Name = facet,
                In = ParameterLocation.Query,
                Description = FacetDescriptions.GetValueOrDefault(facet, "Facet filter"),
                Required = false,
                Style = ParameterStyle.Form,
                Explode = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            });
        }
    }

    private static void AddProblem(OpenApiDocument document, OpenApiOperation operation, int status, string description)
    {
        operation.Responses ??= [];
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.ContainsKey(key))
        {
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
            },
        };
    }

    private static OpenApiSchema ProblemDetailsSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details; field names the request parameter at fault, position the place in an invalid query, limit the setting a query went over",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["field"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["position"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["limit"] = new OpenApiSchema { Type = JsonSchemaType.String },
        },
        AdditionalPropertiesAllowed = true,
    };
}
