using System.Text.RegularExpressions;
using Search.Core.Tests.Support;

namespace Search.Core.Tests.Architecture;

/// <summary>
/// Data flows one way through Search.Core's folders (pipeline stages): a folder refers only to the
/// stages before it. Read from the source, so a new reference that closes a cycle fails here.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private static readonly string Source = Path.Combine(RepoPaths.Root, "src", "Search.Core");

    private static readonly string[] Folders = Directory.GetDirectories(Source)
        .Select(Path.GetFileName).OfType<string>()
        .Where(f => f is not "bin" and not "obj")
        .ToArray();

    private static Dictionary<string, HashSet<string>> References()
    {
        var result = Folders.ToDictionary(f => f, _ => new HashSet<string>());
        foreach (var folder in Folders)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(Source, folder), "*.cs", SearchOption.AllDirectories))
            {
                var text = File.ReadAllText(file);
                foreach (var other in Folders.Where(o => o != folder))
                {
                    if (Regex.IsMatch(text, $@"Search\.Core\.{other}\b|(?<![\w.]){other}\.[A-Z]\w*"))
                    {
                        result[folder].Add(other);
                    }
                }
            }
        }

        return result;
    }

    [Fact]
    public void CoreFolders_HaveNoCycles()
    {
        var references = References();
        var cycles = new List<string>();
        foreach (var start in Folders)
        {
            var stack = new Stack<(string Folder, List<string> Path)>();
            stack.Push((start, [start]));
            var seen = new HashSet<string>();
            while (stack.Count > 0)
            {
                var (folder, path) = stack.Pop();
                foreach (var next in references[folder])
                {
                    if (next == start)
                    {
                        cycles.Add(string.Join(" -> ", path.Append(next)));
                    }
                    else if (seen.Add(next))
                    {
                        stack.Push((next, [.. path, next]));
                    }
                }
            }
        }

        Assert.Empty(cycles);
    }

    [Fact]
    public void Ingestion_KnowsNothingOfTheIndexTopicsOrEmbeddings()
    {
        Assert.Empty(References()["Ingestion"]);
    }

    [Fact]
    public void Indexing_DoesNotReferenceClassificationOrSemantic()
    {
        Assert.DoesNotContain("Classification", References()["Indexing"]);
        Assert.DoesNotContain("Semantic", References()["Indexing"]);
    }
}
