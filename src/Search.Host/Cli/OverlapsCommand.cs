using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Core.Indexing;
using Search.Core;
using Search.Core.Analysis;
using Search.Core.Ingestion;

namespace Search.Host.Cli;

/// <summary><c>search overlaps</c>: documents of different study groups on the same subject, clustered, with evidence.</summary>
public static class OverlapsCommand
{
    /// <summary>
    /// The parameters when none are given, the same for the CLI, the API and the UI: the pairs are ranked with
    /// diversity and joined into clusters, so another number of pairs gives other clusters.
    /// </summary>
    public const double DefaultMinSimilarity = 0.6;

    /// <inheritdoc cref="DefaultMinSimilarity"/>
    public const int DefaultTop = 50;

    public static Command Create()
    {
        var topic = new Option<string?>("--topic") { Description = "Only documents of this topic" };
        var min = new Option<double>("--min-similarity") { Description = "Lowest pair score reported (0-1)", DefaultValueFactory = _ => DefaultMinSimilarity };
        var top = new Option<int>("--top", "-n") { Description = "Pairs reported", DefaultValueFactory = _ => DefaultTop };
        var json = new Option<bool>("--json") { Description = "Print the whole report as JSON" };
        var csv = new Option<bool>("--csv") { Description = "Print the pairs as CSV" };
        var evaluate = new Option<string?>("--evaluate") { Description = "A planted-overlaps file (cluster, subject, groups, files) to score the top 20 pairs against, e.g. corpus/overlaps.tsv" };
        var command = new Command("overlaps", "Find duplicated effort: similar documents from different study groups") { topic, min, top, json, csv, evaluate };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CliApp.CreateHost(parse);
            await host.Services.GetRequiredService<IndexBootstrapper>().EnsureIndexAsync(null, ct).ConfigureAwait(false);
            await IngestCommand.EnrichForReadingAsync(host, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
            OverlapReport report;
            try
            {
                report = host.Services.GetRequiredService<OverlapAnalyzer>().Analyze(Topic(parse.GetValue(topic)), parse.GetValue(min), Math.Max(1, parse.GetValue(top)), ct);
            }
            catch (OverlapUnavailableException ex)
            {
                throw new CliException(ex.Message);
            }

            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(evaluate) is { } plantedArgument)
            {
                var planted = RepositoryLocator.ResolveInput(plantedArgument);
                if (!File.Exists(planted))
                {
                    throw new CliException($"no planted-overlaps file at {plantedArgument}");
                }

                var score = PlantedOverlaps.Score(report, planted);
                await output.WriteLineAsync(parse.GetValue(json) ? JsonSerializer.Serialize(score, CliOutput.Json) : score.ToString()).ConfigureAwait(false);
                return 0;
            }

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(report, CliOutput.Json)).ConfigureAwait(false);
            }
            else if (parse.GetValue(csv))
            {
                await output.WriteAsync(Csv(report)).ConfigureAwait(false);
            }
            else
            {
                await WriteTableAsync(output, report).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>A topic as given (the API and the CLI read it alike): trimmed, lower case, none when blank.</summary>
    public static string? Topic(string? topic) => string.IsNullOrWhiteSpace(topic) ? null : topic.Trim().ToLowerInvariant();

    public static string Csv(OverlapReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder("rank,score,cluster,first_id,first_group,first_title,second_id,second_group,second_title,centroid_similarity,coverage_similarity,passage_similarity,shared_references,shared_terms,cites_each_other\n");
        foreach (var p in report.Pairs)
        {
            string[] row =
            [
                p.Rank.ToString(CultureInfo.InvariantCulture), p.Score.ToString("0.0000", CultureInfo.InvariantCulture), p.Cluster.ToString(CultureInfo.InvariantCulture),
                p.First.Id, p.First.Group ?? string.Empty, p.First.Title, p.Second.Id, p.Second.Group ?? string.Empty, p.Second.Title,
                p.CentroidSimilarity.ToString("0.0000", CultureInfo.InvariantCulture), p.CoverageSimilarity.ToString("0.0000", CultureInfo.InvariantCulture), p.PassageSimilarity.ToString("0.0000", CultureInfo.InvariantCulture),
                string.Join("; ", p.SharedReferences), string.Join("; ", p.SharedTerms), p.CitesEachOther ? "yes" : "no",
            ];
            sb.AppendLine(string.Join(',', row.Select(Search.Host.Cli.Csv.Escape)));
        }

        return sb.ToString();
    }

    private static async Task WriteTableAsync(TextWriter output, OverlapReport report)
    {
        await output.WriteLineAsync($"Duplicated effort{(report.Topic is null ? string.Empty : $" on {report.Topic}")}: {report.Pairs.Count} pairs in {report.Clusters.Count} clusters (score >= {report.MinSimilarity.ToString("0.00", CultureInfo.InvariantCulture)})").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("  rank  score  cluster  first                               second                              evidence").ConfigureAwait(false);
        foreach (var p in report.Pairs)
        {
            var evidence = new List<string>();
            if (p.CitesEachOther)
            {
                evidence.Add("cites");
            }

            if (p.SharedReferences.Count > 0)
            {
                evidence.Add("refs " + string.Join(" ", p.SharedReferences.Take(3)));
            }

            if (p.SharedTerms.Count > 0)
            {
                evidence.Add("terms " + string.Join(" ", p.SharedTerms.Take(4)));
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {p.Rank,4}  {p.Score:0.000}  {p.Cluster,7}  {p.First.Group + " " + p.First.Id,-34}  {p.Second.Group + " " + p.Second.Id,-34}  {string.Join("; ", evidence)}")).ConfigureAwait(false);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        foreach (var c in report.Clusters)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"cluster {c.Id} ({string.Join("/", c.Groups)}; {c.Label}): {string.Join(", ", c.Documents.Select(d => d.Id))}")).ConfigureAwait(false);
        }
    }
}

/// <summary>Scores a report's top 20 pairs against planted overlaps (corpus/overlaps.tsv).</summary>
internal static class PlantedOverlaps
{
    public sealed record PlantedScore(int PlantedClusters, int ClustersFoundInTop20, int PlantedPairs, int PlantedPairsInTop20, int Top20PairsPlanted, double ClusterRecall, double PrecisionAt20, IReadOnlyList<string> MissedClusters, IReadOnlyDictionary<int, int> ClustersFoundInTop)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"planted clusters found in the top 20 pairs: {ClustersFoundInTop20}/{PlantedClusters} ({ClusterRecall:P0}); top-20 pairs that are planted: {Top20PairsPlanted}/20 (precision {PrecisionAt20:0.00}); planted cross-group pairs: {PlantedPairs}, of which {PlantedPairsInTop20} in the top 20; missed: {(MissedClusters.Count == 0 ? "none" : string.Join(", ", MissedClusters))}")
            + Environment.NewLine + "clusters found in the top N pairs: " + string.Join(", ", ClustersFoundInTop.Select(c => string.Create(CultureInfo.InvariantCulture, $"N={c.Key}: {c.Value}")));
    }

    private static readonly int[] CurvePoints = [5, 10, 15, 20, 25, 30, 40, 50];

    public static PlantedScore Score(OverlapReport report, string path)
    {
        var clusters = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .Select(c => (Name: c[0], Files: c[3].Split(',').Select(f => f.Replace("documents/", string.Empty, StringComparison.Ordinal)).ToList()))
            .ToList();
        var groupOf = report.Pairs.SelectMany(p => new[] { p.First, p.Second }).DistinctBy(d => d.Id).ToDictionary(d => d.Id, d => d.Group);
        string GroupOf(string id) => groupOf.GetValueOrDefault(id) ?? id.Split('-')[0];
        // A pair can belong to several planted clusters (both documents in each): it finds all of them.
        var planted = new Dictionary<(string, string), HashSet<string>>();
        foreach (var (name, files) in clusters)
        {
            for (var i = 0; i < files.Count; i++)
            {
                for (var j = i + 1; j < files.Count; j++)
                {
                    if (GroupOf(files[i]) != GroupOf(files[j]))
                    {
                        var key = Key(files[i], files[j]);
                        if (!planted.TryGetValue(key, out var names))
                        {
                            planted[key] = names = [];
                        }

                        names.Add(name);
                    }
                }
            }
        }

        HashSet<string> FoundIn(int n) => report.Pairs.Take(n).Select(p => Key(p.First.Id, p.Second.Id))
            .Where(planted.ContainsKey).SelectMany(k => planted[k]).ToHashSet();
        var top = report.Pairs.Take(20).ToList();
        var hits = top.Where(p => planted.ContainsKey(Key(p.First.Id, p.Second.Id))).ToList();
        var found = FoundIn(20);
        var curve = CurvePoints.Where(n => n <= report.Pairs.Count).ToDictionary(n => n, n => FoundIn(n).Count);
        return new PlantedScore(clusters.Count, found.Count, planted.Count, hits.Count, hits.Count,
            clusters.Count == 0 ? 0 : found.Count / (double)clusters.Count, top.Count == 0 ? 0 : hits.Count / 20.0,
            clusters.Select(c => c.Name).Where(n => !found.Contains(n)).ToList(), curve);
    }

    private static (string, string) Key(string a, string b) => string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
}
