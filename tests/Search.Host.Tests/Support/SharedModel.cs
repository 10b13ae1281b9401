using Search.Core.Classification;

namespace Search.Host.Tests.Support;

/// <summary>The topic model trained once per test run on the bundled training passages, copied beside each test's index.</summary>
internal static class SharedModel
{
    private static readonly Lazy<string> Trained = new(Train);

    /// <summary>Puts the trained model where an index keeps its models (its own folder), so the service loads it instead of training.</summary>
    public static void CopyInto(string indexPath)
    {
        var target = Path.Combine(indexPath, "models", "topics.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(Trained.Value, target, overwrite: true);
    }

    private static string Train()
    {
        var corpus = Path.Combine(FindRoot(), "corpus");
        var taxonomy = TopicTaxonomy.Load(Path.Combine(corpus, "topics.tsv"));
        var model = TopicTrainer.Train(TrainingData.Load(Path.Combine(corpus, "training"), taxonomy), taxonomy);
        var path = Path.Combine(Path.GetTempPath(), $"search-host-tests-model-{Environment.ProcessId}.zip");
        model.Save(path);
        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Search.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Search.sln not found");
    }
}
