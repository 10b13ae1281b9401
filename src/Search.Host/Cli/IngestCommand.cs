using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Core;
using Search.Core.Ingestion;

namespace Search.Host.Cli;

/// <summary><c>search ingest [FOLDER]</c>: folder in, index out, incrementally.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var folder = new Argument<string?>("folder") { Description = "Folder of documents (default: corpus/documents)", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var skipSemantic = new Option<bool>("--skip-semantic") { Description = "Do not embed passages now (serve does it in the background)" };
        var command = new Command("ingest", "Index a folder of .docx, .txt and .pdf files (unchanged files are skipped), then embed new passages") { folder, skipSemantic, json };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CliApp.CreateHost(parse);
            var output = parse.InvocationConfiguration.Output;
            var path = parse.GetValue(folder) is { } given ? RepositoryLocator.ResolveInput(given) : host.Services.GetRequiredService<IOptions<SearchOptions>>().Value.CorpusPath;
            if (!Directory.Exists(path))
            {
                throw new CliException($"folder not found: {path}", 2);
            }

            var pipeline = host.Services.GetRequiredService<IngestionPipeline>();
            using var bar = new ProgressBar(parse.InvocationConfiguration.Error);
            var report = await pipeline.IngestAsync(path, bar, ct).ConfigureAwait(false);
            bar.Finish();
            if (!parse.GetValue(skipSemantic))
            {
                await EmbedAsync(host, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
            }
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(report, CliOutput.Json)).ConfigureAwait(false);
            }
            else
            {
                await WriteReportAsync(output, report).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// Embeds the passages the semantic index lacks, then re-tags the documents the text topic model
    /// tagged with the model that also reads embeddings; progress and ETA on <paramref name="error"/>.
    /// </summary>
    internal static async Task EmbedAsync(Microsoft.Extensions.Hosting.IHost host, TextWriter error, CancellationToken ct)
    {
        var semantic = host.Services.GetRequiredService<Search.Core.Semantic.SemanticIndex>();
        if (semantic.IsEnabled && !semantic.IsReady)
        {
            Search.Core.Semantic.SemanticStatus status;
            using (var progress = new ProgressLine<Search.Core.Semantic.EmbeddingProgress>(error, p => (p.Done, p.Total), EmbeddingLine("Embedding passages: ")))
            {
                status = await semantic.SyncAsync(progress, ct).ConfigureAwait(false);
            }

            error.WriteLine($"Semantic index: {status.CoveredDocuments} of {status.Documents} documents, {status.Passages} passages");
        }

        var refiner = host.Services.GetRequiredService<Search.Core.Classification.TopicRefiner>();
        if (refiner.Status() is { Enabled: true, Ready: false })
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            error.WriteLine("Topic model with embeddings: loading or training (the first time embeds the training passages)…");
            int refined;
            using (var progress = new ProgressLine<Search.Core.Classification.TopicRefinementProgress>(
                error, p => (p.Done, p.Total), p => FormattableString.Invariant($"Refining topics with embeddings: {p.Done}/{p.Total} documents ({clock.Elapsed.TotalSeconds:0} s)")))
            {
                refined = await refiner.RefineAsync(progress, ct).ConfigureAwait(false);
            }

            var after = refiner.Status();
            error.WriteLine(FormattableString.Invariant($"Topics: {after.Refined} of {after.Documents} documents tagged by {after.Model} ({refined} re-tagged in {clock.Elapsed.TotalSeconds:0.0} s)"));
        }
    }

    /// <summary>How embedding progress reads: done, total, rate and time left.</summary>
    internal static Func<Search.Core.Semantic.EmbeddingProgress, string> EmbeddingLine(string prefix) =>
        p => FormattableString.Invariant($"{prefix}{p.Done}/{p.Total} ({p.PassagesPerSecond:0.0}/s, ETA {p.Eta:hh\\:mm\\:ss})");

    internal static async Task WriteReportAsync(TextWriter output, IngestionReport report)
    {
        await output.WriteLineAsync(FormattableString.Invariant(
            $"Ingested {report.Folder}: {report.Added} added, {report.Updated} updated, {report.Unchanged} unchanged, {report.Deleted} deleted, {report.Failed.Count} failed, {report.Skipped.Count} skipped in {report.Elapsed.TotalSeconds:0.0} s ({report.DocumentsPerSecond:0.0} documents/s)")).ConfigureAwait(false);
        foreach (var problem in report.Failed)
        {
            await output.WriteLineAsync($"  failed  {problem.Path}: {problem.Reason}").ConfigureAwait(false);
        }

        foreach (var problem in report.Skipped)
        {
            await output.WriteLineAsync($"  skipped {problem.Path}: {problem.Reason}").ConfigureAwait(false);
        }
    }
}

/// <summary>A progress bar on a terminal; plain lines every 50 files when output is redirected.</summary>
internal sealed class ProgressBar(TextWriter error) : IProgress<IngestionProgress>, IDisposable
{
    private readonly bool _tty = !Console.IsErrorRedirected && ReferenceEquals(error, Console.Error);
    private readonly DateTime _started = DateTime.UtcNow;
    private bool _drawn;

    public void Report(IngestionProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_tty)
        {
            const int width = 30;
            var filled = value.Total == 0 ? width : value.Done * width / value.Total;
            var elapsed = DateTime.UtcNow - _started;
            var eta = value.Done == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(elapsed.TotalSeconds / value.Done * (value.Total - value.Done));
            var name = value.CurrentPath.Length > 40 ? "…" + value.CurrentPath[^39..] : value.CurrentPath;
            error.Write(FormattableString.Invariant($"\r[{new string('#', filled)}{new string('.', width - filled)}] {value.Done}/{value.Total} ETA {eta:mm\\:ss} {name,-40}"));
            _drawn = true;
        }
        else if (value.Done % 50 == 0 || value.Done == value.Total)
        {
            error.WriteLine(FormattableString.Invariant($"{value.Done}/{value.Total} files, {value.Indexed} indexed, {value.Failed} failed"));
        }
    }

    public void Finish()
    {
        if (_drawn)
        {
            error.WriteLine();
            _drawn = false;
        }
    }

    public void Dispose() => Finish();
}
