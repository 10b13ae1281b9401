using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Search.Core.Classification;
using Search.Core.Ingestion;
using Search.Core.Querying;

namespace Search.Host.Cli;

/// <summary><c>search train</c>, <c>search evaluate-topics</c>, <c>search override</c> and <c>search overrides</c>.</summary>
internal static class TopicCommands
{
    public static Command Train()
    {
        var json = new Option<bool>("--json") { Description = "Print the model information as JSON" };
        var command = new Command("train", "Train the topic classifier from the training passages and save it") { json };
        command.SetAction(parse =>
        {
            using var host = CliApp.CreateHost(parse);
            var classifier = host.Services.GetRequiredService<TopicClassifier>();
            if (classifier.Taxonomy is null)
            {
                throw new CliException("topics are unavailable: no taxonomy or training folder (see Search:TopicsPath and Search:TrainingPath)");
            }

            var model = classifier.Retrain();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(model.Info, CliOutput.Json));
                return 0;
            }

            output.WriteLine(FormattableString.Invariant($"Trained on {model.Info.TrainingPassages} passages in {model.Info.TrainingSeconds:0.0} s; saved model format {model.Info.FormatVersion}, training fingerprint {model.Info.TrainingFingerprint}"));
            foreach (var t in model.Info.Topics)
            {
                output.WriteLine(FormattableString.Invariant($"  {t.Topic,-14} threshold {t.Threshold:0.000}  ({t.Positives} positive passages)"));
            }

            output.WriteLine("Run 'search ingest' to re-tag indexed documents with the new model.");
            return 0;
        });
        return command;
    }

    public static Command Evaluate()
    {
        var folds = new Option<int>("--folds") { Description = "Folds of the cross-validation on the training passages", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print the evaluation as JSON" };
        var command = new Command("evaluate-topics", "Evaluate the topic classifier: k-fold cross-validation on the training passages, then the corpus documents against their manifest labels") { folds, json };
        command.SetAction(parse =>
        {
            using var host = CliApp.CreateHost(parse);
            var classifier = host.Services.GetRequiredService<TopicClassifier>();
            var model = classifier.Model() ?? throw new CliException("topics are unavailable: no taxonomy or training folder");
            var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Search.Core.SearchOptions>>().Value;
            var taxonomy = classifier.Taxonomy!;
            var passages = TrainingData.Load(options.TrainingPath, taxonomy);

            var clock = Stopwatch.StartNew();
            var cv = TopicTrainer.CrossValidate(passages, taxonomy, parse.GetValue(folds));
            var cvSeconds = clock.Elapsed.TotalSeconds;

            var manifest = Path.Combine(Path.GetDirectoryName(options.CorpusPath)!, "manifest.tsv");
            if (!File.Exists(manifest))
            {
                throw new CliException($"no manifest at {manifest}: the document evaluation needs the corpus manifest");
            }

            var readers = host.Services.GetServices<IDocumentReader>().SelectMany(r => r.Extensions.Select(e => (e, r))).ToDictionary(p => p.e, p => p.r);
            var rows = File.ReadAllLines(manifest).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList();
            var errors = new List<DocumentError>();
            var counts = model.Topics.ToDictionary(t => t, _ => (Tp: 0, Fp: 0, Fn: 0));
            var tagTimes = new List<double>();
            foreach (var row in rows)
            {
                var path = Path.Combine(Path.GetDirectoryName(manifest)!, row[0]);
                var truth = row[7].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
                var text = readers[Path.GetExtension(path)].Read(path, CancellationToken.None);
                var tagClock = Stopwatch.StartNew();
                var scores = TopicClassifier.Score(model, PassageSplitter.Split(text));
                tagTimes.Add(tagClock.Elapsed.TotalMilliseconds);
                foreach (var s in scores)
                {
                    var predicted = s.Confidence >= model.ThresholdOf(s.Topic);
                    var actual = truth.Contains(s.Topic);
                    var c = counts[s.Topic];
                    counts[s.Topic] = (c.Tp + (predicted && actual ? 1 : 0), c.Fp + (predicted && !actual ? 1 : 0), c.Fn + (!predicted && actual ? 1 : 0));
                    if (predicted != actual)
                    {
                        errors.Add(new DocumentError(row[0], s.Topic, predicted ? "false positive" : "false negative", s.Confidence, model.ThresholdOf(s.Topic), s.Evidence));
                    }
                }
            }

            var documents = model.Topics.Select(t => new TopicScore(t, counts[t].Tp, counts[t].Fp, counts[t].Fn)).ToList();
            tagTimes.Sort();
            var report = new TopicEvaluation(
                parse.GetValue(folds), passages.Count, Rows(cv), TopicScore.MacroF1(cv), cvSeconds,
                rows.Count, Rows(documents), TopicScore.MacroF1(documents),
                model.Info.TrainingSeconds, tagTimes.Average(), Search.Core.Evaluation.Metrics.Percentile(tagTimes, 0.99),
                model.Info.Topics, errors);
            Write(parse.InvocationConfiguration.Output, report, parse.GetValue(json));
            return 0;
        });
        return command;
    }

    public static Command Override()
    {
        var id = new Argument<string>("id") { Description = "Document id, number or file stem" };
        var topic = new Argument<string>("topic") { Description = "Topic id (see corpus/topics.tsv)" };
        var value = new Argument<string>("value") { Description = "on (add the topic), off (remove it) or auto (back to the classifier)" };
        value.AcceptOnlyFromAmong("on", "off", "auto");
        var command = new Command("override", "Set a document's topic by hand; the decision survives re-ingestion and retraining") { id, topic, value };
        command.SetAction(parse =>
        {
            using var host = CliApp.CreateHost(parse);
            var search = host.Services.GetRequiredService<SearchService>();
            var key = parse.GetValue(id)!;
            var resolved = search.Resolve(key) ?? throw new CliException($"no document '{key}'");
            bool? decision = parse.GetValue(value) switch { "on" => true, "off" => false, _ => null };
            try
            {
                var topics = host.Services.GetRequiredService<TopicService>().SetOverride(resolved, parse.GetValue(topic)!, decision);
                parse.InvocationConfiguration.Output.WriteLine($"{resolved}: topics now {(topics.Count == 0 ? "(none)" : string.Join(", ", topics.Select(t => t.Overridden ? t.Topic + " (set by hand)" : t.Topic)))}");
                return 0;
            }
            catch (TopicOverrideException ex)
            {
                throw new CliException(ex.Message, 2);
            }
        });
        return command;
    }

    public static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print the overrides as JSON" };
        var command = new Command("overrides", "List the topic overrides set by hand") { json };
        command.SetAction(parse =>
        {
            using var host = CliApp.CreateHost(parse);
            var all = host.Services.GetRequiredService<TopicOverrides>().All();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(all, CliOutput.Json));
                return 0;
            }

            if (all.Count == 0)
            {
                output.WriteLine("No topic overrides.");
            }

            foreach (var o in all)
            {
                output.WriteLine(FormattableString.Invariant($"{o.DocumentId}\t{o.Topic}\t{(o.Value ? "on" : "off")}\t{o.At:yyyy-MM-dd HH:mm}"));
            }

            return 0;
        });
        return command;
    }

    private static List<TopicRow> Rows(IEnumerable<TopicScore> scores) =>
        scores.Select(s => new TopicRow(s.Topic, s.Precision, s.Recall, s.F1, s.TruePositives, s.FalsePositives, s.FalseNegatives)).ToList();

    private static void Write(TextWriter output, TopicEvaluation report, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(report, CliOutput.Json));
            return;
        }

        void Table(string title, IReadOnlyList<TopicRow> rows, double macro)
        {
            output.WriteLine(title);
            output.WriteLine("  topic          precision  recall     F1     TP   FP   FN");
            foreach (var r in rows)
            {
                output.WriteLine(FormattableString.Invariant($"  {r.Topic,-14} {r.Precision,9:0.000}  {r.Recall,6:0.000}  {r.F1,6:0.000}  {r.TruePositives,4} {r.FalsePositives,4} {r.FalseNegatives,4}"));
            }

            output.WriteLine(FormattableString.Invariant($"  macro-F1 {macro:0.000}"));
            output.WriteLine();
        }

        Table(FormattableString.Invariant($"Cross-validation on {report.TrainingPassages} training passages ({report.Folds} folds, passage level, probability >= 0.5, {report.CrossValidationSeconds:0.0} s):"), report.CrossValidation, report.CrossValidationMacroF1);
        Table(FormattableString.Invariant($"Corpus documents ({report.Documents}, never trained on; a topic is given when its best passage reaches the topic's threshold):"), report.DocumentScores, report.DocumentMacroF1);
        output.WriteLine("Thresholds: " + string.Join(", ", report.Thresholds.Select(t => FormattableString.Invariant($"{t.Topic} {t.Threshold:0.000}"))));
        output.WriteLine(FormattableString.Invariant($"Training time {report.TrainingSeconds:0.0} s; tagging {report.MeanTagMilliseconds:0.0} ms per document on average (p99 {report.P99TagMilliseconds:0.0} ms)"));
        output.WriteLine();
        output.WriteLine($"Documents tagged wrongly ({report.Errors.Count}):");
        foreach (var e in report.Errors)
        {
            var evidence = e.Evidence is null ? string.Empty : " | " + (e.Evidence.Length > 110 ? e.Evidence[..110] + "…" : e.Evidence);
            output.WriteLine(FormattableString.Invariant($"  {e.Document,-28} {e.Topic,-12} {e.Kind,-15} score {e.Score:0.000} (threshold {e.Threshold:0.000}){evidence}"));
        }
    }
}

internal sealed record TopicRow(string Topic, double Precision, double Recall, double F1, int TruePositives, int FalsePositives, int FalseNegatives);

internal sealed record DocumentError(string Document, string Topic, string Kind, float Score, float Threshold, string? Evidence);

internal sealed record TopicEvaluation(
    int Folds, int TrainingPassages, IReadOnlyList<TopicRow> CrossValidation, double CrossValidationMacroF1, double CrossValidationSeconds,
    int Documents, IReadOnlyList<TopicRow> DocumentScores, double DocumentMacroF1,
    double TrainingSeconds, double MeanTagMilliseconds, double P99TagMilliseconds,
    IReadOnlyList<TopicThreshold> Thresholds, IReadOnlyList<DocumentError> Errors);
