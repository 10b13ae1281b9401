using System.Diagnostics;
using Search.Core.Ingestion;

namespace Search.Core.Classification;

/// <summary>A document with the topics it is known to be about (say, the corpus manifest's labels).</summary>
public sealed record LabelledDocument(string Id, ExtractedText Text, IReadOnlySet<string> Topics);

/// <summary>A topic decided wrongly on a document: its score, the threshold, and the best passage.</summary>
public sealed record TopicMistake(string Document, string Topic, bool FalsePositive, float Score, float Threshold, string? Evidence);

/// <summary>How a model tags labelled documents: per-topic counts, its mistakes, and the time to tag each document.</summary>
public sealed record DocumentEvaluation(IReadOnlyList<TopicScore> Scores, IReadOnlyList<TopicMistake> Mistakes, IReadOnlyList<double> TagMilliseconds)
{
    public double MacroF1 => TopicScore.MacroF1(Scores);
}

/// <summary>Evaluates a topic model on whole documents the way ingestion tags them (split, score, each topic's threshold).</summary>
public static class TopicEvaluator
{
    /// <summary>A document's passages exactly as the index gives them: its title (as indexed) and its text, one block a line, boilerplate left out.</summary>
    public static IReadOnlyList<string> PassagesOf(LabelledDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var title = Ingestion.MetadataExtractor.Extract(document.Text, document.Id).DisplayTitle ?? Path.GetFileNameWithoutExtension(document.Id);
        var lines = Indexing.DocumentMapper.ContentLines(document.Text.FullText, document.Text.BoilerplateRanges);
        return Semantic.Passages.Cut(title, lines).Select(p => p.Text).ToList();
    }

    public static DocumentEvaluation Documents(TopicModel model, IReadOnlyList<LabelledDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(documents);
        var counts = model.Topics.ToDictionary(t => t, _ => (Tp: 0, Fp: 0, Fn: 0));
        var mistakes = new List<TopicMistake>();
        var times = new List<double>();
        foreach (var document in documents)
        {
            var clock = Stopwatch.StartNew();
            var scores = TopicClassifier.Score(model, PassagesOf(document));
            times.Add(clock.Elapsed.TotalMilliseconds);
            foreach (var s in scores)
            {
                var threshold = model.ThresholdOf(s.Topic);
                var predicted = s.Confidence >= threshold;
                var actual = document.Topics.Contains(s.Topic);
                var c = counts[s.Topic];
                counts[s.Topic] = (c.Tp + (predicted && actual ? 1 : 0), c.Fp + (predicted && !actual ? 1 : 0), c.Fn + (!predicted && actual ? 1 : 0));
                if (predicted != actual)
                {
                    mistakes.Add(new TopicMistake(document.Id, s.Topic, predicted, s.Confidence, threshold, s.Evidence));
                }
            }
        }

        var topicScores = model.Topics.Select(t => new TopicScore(t, counts[t].Tp, counts[t].Fp, counts[t].Fn)).ToList();
        return new DocumentEvaluation(topicScores, mistakes, times);
    }
}
