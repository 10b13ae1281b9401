using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Querying;

namespace Search.Core;

/// <summary>Registers the search engine; used by both the CLI and the HTTP host.</summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddSearchCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SearchOptions>()
            .BindConfiguration(SearchOptions.SectionName)
            .PostConfigure(o =>
            {
                // Data: from the repository top when run inside it, else from the working directory.
                o.IndexPath = RepositoryLocator.Resolve(o.IndexPath);
                o.CorpusPath = RepositoryLocator.Resolve(o.CorpusPath);

                // What the program needs to run (taxonomy, training passages): shipped beside the executable.
                o.TopicsPath = RepositoryLocator.ResolveBundled(o.TopicsPath);
                o.TrainingPath = RepositoryLocator.ResolveBundled(o.TrainingPath);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IDocumentReader, DocxReader>();
        services.AddSingleton<IDocumentReader, TextFileReader>();
        services.AddSingleton<IDocumentReader, PdfReader>();
        services.AddSingleton<IndexStore>();
        services.AddSingleton<Classification.TopicClassifier>();
        services.AddSingleton<Classification.TopicService>();
        services.AddSingleton<Classification.TopicTagger>();
        services.AddSingleton<IIngestTagger>(sp => sp.GetRequiredService<Classification.TopicTagger>());
        services.AddSingleton<IngestionPipeline>();
        services.AddSingleton<SearchService>();
        services.AddSingleton<Semantic.IEmbeddingModel, Semantic.MiniLmEmbeddingModel>();
        services.AddSingleton<Semantic.SemanticIndex>();
        services.AddSingleton<Analysis.OverlapAnalyzer>();
        services.AddSingleton<IndexBootstrapper>();
        services.AddSingleton<Enrichment.IndexMaintenance>();
        return services;
    }
}

/// <summary>
/// Resolves relative paths from settings: against the working directory, or, when the working
/// directory is inside the repository (say <c>src/Search.Host</c>), against the repository top
/// (the nearest folder above holding <c>Search.sln</c>).
/// </summary>
public static class RepositoryLocator
{
    public static string Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        var cwd = Directory.GetCurrentDirectory();
        for (var dir = new DirectoryInfo(cwd); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Search.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, path));
            }
        }

        return Path.GetFullPath(Path.Combine(cwd, path));
    }

    /// <summary>
    /// A file or folder a user names on the command line: as given when it exists from the working
    /// directory, else as <see cref="Resolve"/> finds it (so that <c>corpus/eval</c> works under
    /// <c>dotnet run --project src/Search.Host</c>, which runs in the project's folder).
    /// </summary>
    public static string ResolveInput(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fromHere = Path.GetFullPath(path);
        return File.Exists(fromHere) || Directory.Exists(fromHere) ? fromHere : Resolve(path);
    }

    /// <summary>A file the program ships (copied to the executable's folder): found the same way under <c>dotnet run</c>, <c>dotnet test</c> and a published executable, from any working directory.</summary>
    public static string ResolveBundled(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, path));
    }
}
