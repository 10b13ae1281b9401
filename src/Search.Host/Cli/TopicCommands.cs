using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Search.Core;
using Search.Core.Classification;
using Search.Core.Ingestion;
using Search.Core.Querying;
using Search.Core.Semantic;

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

            var text = classifier.Retrain();
            var refined = classifier.RefinedModel(train: true); // null when semantic search or topic embeddings are off
            var models = new[] { text, refined }.OfType<TopicModel>().ToList();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(models.Select(m => m.Info), CliOutput.Json));
                return 0;
            }

            foreach (var model in models)
            {
                output.WriteLine(FormattableString.Invariant($"{(model.EmbeddingModel is null ? "Text features" : $"Text features and {model.EmbeddingModel} embeddings")}: trained on {model.Info.TrainingPassages} passages in {model.Info.TrainingSeconds:0.0} s; saved model format {model.Info.FormatVersion}, training fingerprint {model.Info.TrainingFingerprint}"));
                foreach (var t in model.Info.Topics)
                {
                    output.WriteLine(FormattableString.Invariant($"  {t.Topic,-14} threshold {t.Threshold:0.000}  ({t.Positives} positive passages)"));
                }
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
        var compare = new Option<bool>("--compare-embeddings")
        {
            Description = "Run the evaluation twice, text features only (the model ingestion starts with) and text plus each passage's sentence embedding (the model documents end with), and print both side by side",
        };
        var command = new Command("evaluate-topics", "Evaluate the topic classifier: k-fold cross-validation on the training passages, then the corpus documents against their manifest labels") { folds, json, compare };
        command.SetAction(parse =>
        {
            using var host = CliApp.CreateHost(parse);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(compare))
            {
                var comparison = CompareEmbeddings(host, parse.GetValue(folds), parse.InvocationConfiguration.Error);
                WriteComparison(output, comparison, parse.GetValue(json));
                return 0;
            }

            // The model that gives documents their topics: the refined one (text and embeddings) when semantic search is on.
            var classifier = host.Services.GetRequiredService<TopicClassifier>();
            var model = classifier.Model() ?? throw new CliException("topics are unavailable: no taxonomy or training folder");
            var embedder = classifier.RefinesWithEmbeddings ? classifier.Embedder() : null;
            if (embedder is not null)
            {
                parse.InvocationConfiguration.Error.WriteLine($"Evaluating the model with text features and {embedder.ModelName} embeddings (--compare-embeddings sets it beside the text-only model)…");
                model = classifier.RefinedModel(train: true) ?? model;
            }

            var options = host.Services.GetRequiredService<IOptions<SearchOptions>>().Value;
            var taxonomy = classifier.Taxonomy!;
            var passages = TrainingData.Load(options.TrainingPath, taxonomy);
            var report = EvaluateModel(model, passages, taxonomy, parse.GetValue(folds), CorpusDocuments(host, options), model.EmbeddingModel is null ? null : embedder);
            if (!parse.GetValue(json))
            {
                output.WriteLine(model.EmbeddingModel is null ? "Topic model: text features" : $"Topic model: text features and {model.EmbeddingModel} sentence embeddings (documents are tagged by it once refined; the text-only model's figures: --compare-embeddings)");
                output.WriteLine();
            }

            Write(output, report, parse.GetValue(json));
            return 0;
        });
        return command;
    }

    /// <summary>Cross-validation with the model's features, then the model on the corpus documents.</summary>
    private static TopicEvaluation EvaluateModel(TopicModel model, IReadOnlyList<LabelledPassage> passages, TopicTaxonomy taxonomy, int folds, List<LabelledDocument> documents, PassageEmbedder? embedder)
    {
        var clock = Stopwatch.StartNew();
        var cv = TopicTrainer.CrossValidate(passages, taxonomy, folds, embedder);
        var cvSeconds = clock.Elapsed.TotalSeconds;
        var evaluation = TopicEvaluator.Documents(model, documents);
        var tagTimes = evaluation.TagMilliseconds.Order().ToList();
        var errors = evaluation.Mistakes
            .Select(m => new DocumentError(m.Document, m.Topic, m.FalsePositive ? "false positive" : "false negative", m.Score, m.Threshold, m.Evidence))
            .ToList();
        return new TopicEvaluation(
            folds, passages.Count, Rows(cv), TopicScore.MacroF1(cv), cvSeconds,
            documents.Count, Rows(evaluation.Scores), evaluation.MacroF1,
            model.Info.TrainingSeconds, tagTimes.Average(), Search.Core.Evaluation.Metrics.Percentile(tagTimes, 0.99),
            model.Info.Topics, errors);
    }

    /// <summary>The corpus documents with their manifest topics (the manifest sits beside the corpus folder).</summary>
    private static List<LabelledDocument> CorpusDocuments(IHost host, SearchOptions options)
    {
        var manifest = Path.Combine(Path.GetDirectoryName(options.CorpusPath)!, "manifest.tsv");
        if (!File.Exists(manifest))
        {
            throw new CliException($"no manifest at {manifest}: the document evaluation needs the corpus manifest");
        }

        var readers = host.Services.GetServices<IDocumentReader>().SelectMany(r => r.Extensions.Select(e => (e, r))).ToDictionary(p => p.e, p => p.r);
        var documents = new List<LabelledDocument>();
        foreach (var row in File.ReadAllLines(manifest).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')))
        {
            var path = Path.Combine(Path.GetDirectoryName(manifest)!, row[0]);
            var truth = row[7].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            documents.Add(new LabelledDocument(row[0], readers[Path.GetExtension(path)].Read(path, CancellationToken.None), truth));
        }

        return documents;
    }

    /// <summary>
    /// The same evaluation with text features only and with text plus MiniLM passage embeddings. Both
    /// models are trained here by the trainer's own rules (same seed, split and threshold rule), so their
    /// training times are measured alike; the product tags with the text-only one while indexing and
    /// re-tags with the other once the semantic index has embedded them (<see cref="TopicTagger"/>). Passage
    /// vectors go through the index's one embedding cache.
    /// </summary>
    private static TopicComparison CompareEmbeddings(IHost host, int folds, TextWriter error)
    {
        var options = host.Services.GetRequiredService<IOptions<SearchOptions>>().Value;
        if (!File.Exists(options.TopicsPath) || !Directory.Exists(options.TrainingPath))
        {
            throw new CliException("topics are unavailable: no taxonomy or training folder (see Search:TopicsPath and Search:TrainingPath)");
        }

        var taxonomy = TopicTaxonomy.Load(options.TopicsPath);
        var passages = TrainingData.Load(options.TrainingPath, taxonomy);
        var documents = CorpusDocuments(host, options);
        var embeddingModel = host.Services.GetRequiredService<IEmbeddingModel>();
        var cachePath = host.Services.GetRequiredService<Search.Core.Indexing.IndexStore>().PathOf("models", "embeddings.cache");
        var embedder = host.Services.GetRequiredService<TopicClassifier>().Embedder();

        // Every passage is embedded first, timed, so that the training and tagging times below are the classifier's own.
        error.WriteLine($"Embedding the training passages and the corpus documents' passages with {embeddingModel.Name} (cached in {cachePath})…");
        var training = EmbedTimed(embedder, passages.Select(p => p.Text).ToList(), error);
        var documentPassages = documents.Select(TopicEvaluator.PassagesOf).ToList();
        var corpus = EmbedTimed(embedder, documentPassages.SelectMany(p => p).ToList(), error);

        // A discarded training first: the JIT and ML.NET's first-use costs would otherwise all fall on model A's times.
        TopicTrainer.Train(passages, taxonomy);
        error.WriteLine("Text features only…");
        var text = EvaluateModel(TopicTrainer.Train(passages, taxonomy), passages, taxonomy, folds, documents, embedder: null);
        error.WriteLine("Text features and embeddings…");
        var embedded = EvaluateModel(TopicTrainer.Train(passages, taxonomy, embedder), passages, taxonomy, folds, documents, embedder);

        // What a document's embeddings cost when none is cached, measured on every tenth document.
        var sample = documentPassages.Where((_, i) => i % 10 == 0).ToList();
        var uncached = sample.Select(p => embedder.TimeUncached(p).TotalMilliseconds).ToList();
        var cost = new EmbeddingCost(
            embeddingModel.Name, embeddingModel.Dimensions, cachePath, training, corpus, documents.Count,
            sample.Count, sample.Sum(p => p.Count), uncached.Average(), Search.Core.Evaluation.Metrics.Percentile(uncached.Order().ToList(), 0.99));
        return new TopicComparison(text, embedded, cost);
    }

    private static EmbeddingRun EmbedTimed(PassageEmbedder embedder, List<string> texts, TextWriter error)
    {
        var uncached = embedder.CountUncached(texts);
        var clock = Stopwatch.StartNew();
        using var progress = new ProgressLine<EmbeddingProgress>(error, p => (p.Done, p.Total), IngestCommand.EmbeddingLine("  embedded "), redraw: false);
        embedder.Embed(texts, progress);
        return new EmbeddingRun(texts.Count, uncached, clock.Elapsed.TotalSeconds);
    }

    public static Command Override()
    {
        var id = new Argument<string>("id") { Description = "Document id, number or file stem" };
        var topic = new Argument<string>("topic") { Description = "Topic id (see corpus/topics.tsv)" };
        var value = new Argument<string>("value") { Description = "on (add the topic), off (remove it) or auto (back to the classifier)" };
        value.AcceptOnlyFromAmong("on", "off", "auto");
        var command = new Command("override", "Set a document's topic by hand; the decision survives re-ingestion and retraining") { id, topic, value, CliApp.WaitOption };
        command.SetAction(parse =>
        {
            using var host = CliApp.CreateHost(parse);
            var search = host.Services.GetRequiredService<SearchService>();
            var key = parse.GetValue(id)!;
            var resolved = search.Resolve(key) ?? throw new CliException($"no document '{key}'");
            bool? decision = parse.GetValue(value) switch { "on" => true, "off" => false, _ => null };
            try
            {
                var topics = host.Services.GetRequiredService<TopicService>().SetOverride(resolved, parse.GetValue(topic)!, decision, CliApp.WriteWait(parse));
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
            var all = host.Services.GetRequiredService<TopicService>().Overrides();
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

    private static void WriteComparison(TextWriter output, TopicComparison report, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(report, CliOutput.Json));
            return;
        }

        var (a, b, e) = (report.TextOnly, report.WithEmbeddings, report.Embeddings);
        output.WriteLine($"Topic classifier: text features only (A, while indexing) vs text features + {e.Model} passage embeddings ({e.Dimensions} dimensions) (B, once refined)");
        output.WriteLine($"Embeddings cached in {e.CachePath}");
        output.WriteLine(FormattableString.Invariant($"  training passages: {e.Training.Passages}; {e.Training.Embedded} distinct ones not cached, embedded in {e.Training.Seconds:0.0} s ({e.Training.PassagesPerSecond:0.0}/s)"));
        output.WriteLine(FormattableString.Invariant($"  corpus documents: {e.Documents} give {e.Corpus.Passages} classification passages ({e.Corpus.Passages / (double)e.Documents:0.0} per document); {e.Corpus.Embedded} distinct ones not cached, embedded in {e.Corpus.Seconds:0.0} s ({e.Corpus.PassagesPerSecond:0.0}/s)"));
        output.WriteLine();

        void Table(string title, IReadOnlyList<TopicRow> left, double leftMacro, IReadOnlyList<TopicRow> right, double rightMacro)
        {
            output.WriteLine(title);
            output.WriteLine("                 A: text only                      B: text + embeddings");
            output.WriteLine("  topic          P      R      F1     TP  FP  FN     P      R      F1     TP  FP  FN");
            foreach (var l in left)
            {
                var r = right.Single(x => x.Topic == l.Topic);
                output.WriteLine(FormattableString.Invariant($"  {l.Topic,-12} {l.Precision,6:0.000} {l.Recall,6:0.000} {l.F1,6:0.000} {l.TruePositives,5} {l.FalsePositives,3} {l.FalseNegatives,3}   {r.Precision,6:0.000} {r.Recall,6:0.000} {r.F1,6:0.000} {r.TruePositives,5} {r.FalsePositives,3} {r.FalseNegatives,3}"));
            }

            output.WriteLine(FormattableString.Invariant($"  macro-F1                   {leftMacro,6:0.000}                                  {rightMacro,6:0.000}"));
            output.WriteLine();
        }

        Table(FormattableString.Invariant($"Cross-validation on {a.TrainingPassages} training passages ({a.Folds} folds, passage level, probability >= 0.5; A {a.CrossValidationSeconds:0.0} s, B {b.CrossValidationSeconds:0.0} s with cached vectors):"), a.CrossValidation, a.CrossValidationMacroF1, b.CrossValidation, b.CrossValidationMacroF1);
        Table($"Corpus documents ({a.Documents}, never trained on; a topic is given when its best passage reaches the topic's threshold, chosen by the trainer's rule):", a.DocumentScores, a.DocumentMacroF1, b.DocumentScores, b.DocumentMacroF1);
        output.WriteLine("Thresholds A: " + string.Join(", ", a.Thresholds.Select(t => FormattableString.Invariant($"{t.Topic} {t.Threshold:0.000}"))));
        output.WriteLine("Thresholds B: " + string.Join(", ", b.Thresholds.Select(t => FormattableString.Invariant($"{t.Topic} {t.Threshold:0.000}"))));
        output.WriteLine(FormattableString.Invariant($"Training time A: {a.TrainingSeconds:0.0} s"));
        output.WriteLine(FormattableString.Invariant($"Training time B: {b.TrainingSeconds:0.0} s with cached vectors (+ about {e.Training.Passages / e.UncachedPassagesPerSecond:0.0} s to embed the {e.Training.Passages} training passages with no cache, at {e.UncachedPassagesPerSecond:0.0} passages/s)"));
        output.WriteLine(FormattableString.Invariant($"Tagging A: {a.MeanTagMilliseconds:0.0} ms per document on average (p99 {a.P99TagMilliseconds:0.0} ms)"));
        output.WriteLine(FormattableString.Invariant($"Tagging B: {b.MeanTagMilliseconds:0.0} ms per document on average (p99 {b.P99TagMilliseconds:0.0} ms) with cached vectors, + embedding {e.UncachedMillisecondsPerDocument:0.0} ms per document (p99 {e.UncachedP99Milliseconds:0.0} ms; no cache, {e.SampleDocuments} documents, every tenth, {e.SamplePassages} passages) = {b.MeanTagMilliseconds + e.UncachedMillisecondsPerDocument:0.0} ms"));
        output.WriteLine();

        var wrongA = a.Errors.Select(x => (x.Document, x.Topic, x.Kind)).ToHashSet();
        var wrongB = b.Errors.Select(x => (x.Document, x.Topic, x.Kind)).ToHashSet();
        output.WriteLine($"Documents tagged wrongly: A {wrongA.Count}, B {wrongB.Count}; right with B only {wrongA.Count(x => !wrongB.Contains(x))}, wrong with B only {wrongB.Count(x => !wrongA.Contains(x))}:");
        foreach (var x in a.Errors.Where(x => !wrongB.Contains((x.Document, x.Topic, x.Kind))))
        {
            output.WriteLine(FormattableString.Invariant($"  fixed by B  {x.Document,-30} {x.Topic,-12} {x.Kind}"));
        }

        foreach (var x in b.Errors.Where(x => !wrongA.Contains((x.Document, x.Topic, x.Kind))))
        {
            output.WriteLine(FormattableString.Invariant($"  new with B  {x.Document,-30} {x.Topic,-12} {x.Kind,-15} score {x.Score:0.000} (threshold {x.Threshold:0.000})"));
        }
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

internal sealed record EmbeddingRun(int Passages, int Embedded, double Seconds)
{
    public double PassagesPerSecond => Embedded == 0 ? 0 : Embedded / Math.Max(Seconds, 1e-3);
}

/// <summary>What the embeddings cost: embedding the training and document passages in this run (only those not cached yet), and a document's passages with no cache.</summary>
internal sealed record EmbeddingCost(
    string Model, int Dimensions, string CachePath, EmbeddingRun Training, EmbeddingRun Corpus, int Documents,
    int SampleDocuments, int SamplePassages, double UncachedMillisecondsPerDocument, double UncachedP99Milliseconds)
{
    public double UncachedPassagesPerSecond => SamplePassages / Math.Max(UncachedMillisecondsPerDocument * SampleDocuments / 1000, 1e-3);
}

/// <summary>What <c>search evaluate-topics --compare-embeddings</c> prints.</summary>
internal sealed record TopicComparison(TopicEvaluation TextOnly, TopicEvaluation WithEmbeddings, EmbeddingCost Embeddings);

internal sealed record TopicRow(string Topic, double Precision, double Recall, double F1, int TruePositives, int FalsePositives, int FalseNegatives);

internal sealed record DocumentError(string Document, string Topic, string Kind, float Score, float Threshold, string? Evidence);

internal sealed record TopicEvaluation(
    int Folds, int TrainingPassages, IReadOnlyList<TopicRow> CrossValidation, double CrossValidationMacroF1, double CrossValidationSeconds,
    int Documents, IReadOnlyList<TopicRow> DocumentScores, double DocumentMacroF1,
    double TrainingSeconds, double MeanTagMilliseconds, double P99TagMilliseconds,
    IReadOnlyList<TopicThreshold> Thresholds, IReadOnlyList<DocumentError> Errors);
