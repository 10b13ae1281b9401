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
                o.IndexPath = RepositoryLocator.Resolve(o.IndexPath);
                o.CorpusPath = RepositoryLocator.Resolve(o.CorpusPath);
                o.TopicsPath = RepositoryLocator.Resolve(o.TopicsPath);
                o.TrainingPath = RepositoryLocator.Resolve(o.TrainingPath);
                var besideIndex = Path.GetDirectoryName(Path.GetFullPath(o.IndexPath)) ?? o.IndexPath;
                o.ModelPath = o.ModelPath.Length == 0 ? Path.Combine(besideIndex, "models", "topics.zip") : RepositoryLocator.Resolve(o.ModelPath);
                o.OverridesPath = o.OverridesPath.Length == 0 ? Path.Combine(besideIndex, "topic-overrides.json") : RepositoryLocator.Resolve(o.OverridesPath);
                o.EmbeddingCachePath = o.EmbeddingCachePath.Length == 0 ? Path.Combine(besideIndex, "models", "embeddings.cache") : RepositoryLocator.Resolve(o.EmbeddingCachePath);
                o.TopicEmbeddingCachePath = o.TopicEmbeddingCachePath.Length == 0 ? Path.Combine(besideIndex, "models", "topic-embeddings.cache") : RepositoryLocator.Resolve(o.TopicEmbeddingCachePath);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IDocumentReader, DocxReader>();
        services.AddSingleton<IDocumentReader, TextFileReader>();
        services.AddSingleton<IDocumentReader, PdfReader>();
        services.AddSingleton<IndexStore>();
        services.AddSingleton<Classification.TopicClassifier>();
        services.AddSingleton<Classification.TopicOverrides>();
        services.AddSingleton<Classification.TopicService>();
        services.AddSingleton<Classification.TopicRefiner>();
        services.AddSingleton<IngestionPipeline>();
        services.AddSingleton<SearchService>();
        services.AddSingleton<Semantic.IEmbeddingModel, Semantic.MiniLmEmbeddingModel>();
        services.AddSingleton<Semantic.SemanticIndex>();
        services.AddSingleton<Analysis.OverlapAnalyzer>();
        services.AddSingleton<IndexBootstrapper>();
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
}
