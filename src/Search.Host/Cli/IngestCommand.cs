using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Search.Core;
using Search.Core.Enrichment;
using Search.Core.Indexing;

namespace Search.Host.Cli;

/// <summary><c>search ingest [FOLDER]</c>: folder in, index out, incrementally; then the enrichment stages (topics, embeddings).</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var folder = new Argument<string?>("folder") { Description = "Folder of documents (default: corpus/documents)", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var skipSemantic = new Option<bool>("--skip-semantic") { Description = "Do not embed passages now (a running service, or the next ingest, does it); topics are still tagged" };
        var allowDeletes = new Option<bool>("--allow-deletes") { Description = "Allow a run that empties the index or deletes more than half of it" };
        var profile = new Option<bool>("--profile") { Description = "Print where the time went, on stderr: the lexical phase stage by stage (hash, read and boilerplate, metadata, topic tagging, writer: wait, analyse and add, commit), then the enrichment stages" };
        var command = new Command("ingest", "Index a folder of .docx, .txt and .pdf files (unchanged files are skipped), then tag topics and embed new passages")
        {
            folder, skipSemantic, allowDeletes, profile, CliApp.WaitOption, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = CliApp.CreateHost(parse);
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(folder) is { } given ? RepositoryLocator.ResolveInput(given) : host.Services.GetRequiredService<IOptions<SearchOptions>>().Value.CorpusPath;
            var wait = CliApp.WriteWait(parse);
            var pipeline = host.Services.GetRequiredService<IngestionPipeline>();
            IngestionReport report;
            using (var bar = new ProgressBar(error))
            {
                report = await pipeline.IngestAsync(path, new IngestionRun(parse.GetValue(allowDeletes), wait), bar, ct).ConfigureAwait(false);
            }

            if (parse.GetValue(profile) && report.Profile is { } stages)
            {
                await error.WriteAsync(FormattableString.Invariant($"Lexical phase: {report.Indexed} documents in {report.Elapsed.TotalSeconds:0.0} s ({report.DocumentsPerSecond:0.0} documents/s)\n{stages.Format(report.Elapsed)}")).ConfigureAwait(false);
            }

            var enrichment = System.Diagnostics.Stopwatch.StartNew();
            await CatchUpAsync(host, error, wait, embed: !parse.GetValue(skipSemantic), ct).ConfigureAwait(false);
            if (parse.GetValue(profile))
            {
                var total = report.Elapsed + enrichment.Elapsed;
                await error.WriteLineAsync(FormattableString.Invariant($"Enrichment (topics left to tag{(parse.GetValue(skipSemantic) ? string.Empty : ", embeddings")}): {enrichment.Elapsed.TotalSeconds:0.0} s; lexical and enrichment: {total.TotalSeconds:0.0} s ({(total.TotalSeconds > 0 ? report.Indexed / total.TotalSeconds : 0):0.0} documents/s)")).ConfigureAwait(false);
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

    /// <summary>Runs the enrichment stages (the same entry point the service uses), with progress and ETA on <paramref name="error"/>.</summary>
    internal static async Task CatchUpAsync(Microsoft.Extensions.Hosting.IHost host, TextWriter error, TimeSpan wait, bool embed, CancellationToken ct)
    {
        var maintenance = host.Services.GetRequiredService<IndexMaintenance>();
        CatchUpReport done;
        using (var progress = new ProgressLine<MaintenanceProgress>(error, p => (p.Done, p.Total), Line))
        {
            done = await maintenance.CatchUpAsync(progress, wait, ct, embed).ConfigureAwait(false);
        }

        if (!done.Ran)
        {
            await error.WriteLineAsync($"Topics and embeddings are being brought up to date by another process ({done.HeldBy ?? "holder unknown"}): it takes these documents too.").ConfigureAwait(false);
            return;
        }

        var semantic = host.Services.GetRequiredService<Search.Core.Semantic.SemanticIndex>().Status();
        var topics = host.Services.GetRequiredService<Search.Core.Classification.TopicTagger>().Status();
        if (topics.Enabled)
        {
            await error.WriteLineAsync($"Topics: {topics.Tagged} of {topics.Documents} documents tagged ({topics.TaggedWithEmbeddings} by {topics.Model})").ConfigureAwait(false);
        }

        if (semantic.Enabled)
        {
            await error.WriteLineAsync($"Semantic index: {semantic.CoveredDocuments} of {semantic.Documents} documents, {semantic.Passages} passages").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Before a command that reads vectors (query, related, overlaps, eval): brings the index up to date
    /// if it can; a read-only index, or one another process is writing, is read as it is.
    /// </summary>
    internal static async Task EnrichForReadingAsync(Microsoft.Extensions.Hosting.IHost host, TextWriter error, CancellationToken ct)
    {
        try
        {
            await CatchUpAsync(host, error, TimeSpan.Zero, embed: true, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IndexReadOnlyException or IndexBusyException)
        {
            await error.WriteLineAsync($"note: {ex.Message}; searching the index as it is").ConfigureAwait(false);
        }
    }

    private static string Line(MaintenanceProgress p) => p.PerSecond is { } rate
        ? FormattableString.Invariant($"{char.ToUpperInvariant(p.Stage[0])}{p.Stage[1..]}: {p.Done}/{p.Total} ({rate:0.0}/s, ETA {p.Eta ?? TimeSpan.Zero:hh\\:mm\\:ss})")
        : FormattableString.Invariant($"{char.ToUpperInvariant(p.Stage[0])}{p.Stage[1..]}: {p.Done}/{p.Total} documents");

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

    public void Dispose()
    {
        if (_drawn)
        {
            error.WriteLine();
            _drawn = false;
        }
    }
}
