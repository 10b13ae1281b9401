using Search.Core.Tests.Support;

namespace Search.Core.Tests;

public sealed class RepositoryLocatorTests
{
    [Fact]
    public void ResolveInput_FindsARepositoryPath_FromAFolderInsideTheRepository()
    {
        // Tests run in bin/… inside the repository, as `dotnet run --project src/Search.Host` runs in the project's folder.
        Assert.False(File.Exists(Path.GetFullPath(Path.Combine("corpus", "topics.tsv"))));

        var resolved = RepositoryLocator.ResolveInput(Path.Combine("corpus", "topics.tsv"));

        Assert.Equal(Path.Combine(RepoPaths.Corpus, "topics.tsv"), resolved);
    }

    [Fact]
    public void ResolveInput_KeepsAPathThatExistsFromTheWorkingDirectory()
    {
        var here = Path.GetFileName(Directory.GetFiles(Directory.GetCurrentDirectory()).First());

        Assert.Equal(Path.GetFullPath(here), RepositoryLocator.ResolveInput(here));
        Assert.Equal("/abs/olute", RepositoryLocator.ResolveInput("/abs/olute"));
    }
}
