namespace Search.Core.Tests.Support;

/// <summary>Locates the repository (the folder holding Search.sln) and the shared folder beside it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Corpus => Path.Combine(Root, "corpus");

    public static string Shared => Path.Combine(Path.GetDirectoryName(Root)!, "shared");

    public static string SeedLiaison => Directory.GetFiles(Path.Combine(Shared, "seed"), "*.txt").Single();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Search.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Search.sln not found above " + AppContext.BaseDirectory);
    }
}
