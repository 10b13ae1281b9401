using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Search.Core.Indexing;
using Search.Core.Ingestion;
using Search.Core.Querying;
using Search.Host.Http;

namespace Search.Host.Cli;

/// <summary><c>search query TEXT</c>: ranked results with snippets and facet counts.</summary>
internal static class QueryCommand
{
    public static Command Create()
    {
        var text = new Argument<string>("text") { Description = "Query: terms, \"phrases\", AND/OR/NOT, field:value, prefix*" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "Facet filter FACET=VALUE (repeatable; OR within a facet, AND across facets)", AllowMultipleArgumentsPerToken = false };
        var top = new Option<int>("--top", "-n") { Description = "Results per page", DefaultValueFactory = _ => 10 };
        var page = new Option<int>("--page") { Description = "Page number (1-based)", DefaultValueFactory = _ => 1 };
        var sort = new Option<string?>("--sort") { Description = "relevance (default), date or date-asc" };
        var from = new Option<string?>("--from") { Description = "Earliest document date (yyyy-mm-dd)" };
        var to = new Option<string?>("--to") { Description = "Latest document date (yyyy-mm-dd)" };
        var json = new Option<bool>("--json") { Description = "Print the response as JSON" };
        var mode = new Option<string?>("--mode") { Description = "hybrid (default), bm25 or semantic" };
        var command = new Command("query", "Search the index") { text, filter, top, page, sort, from, to, mode, json };
        command.SetAction(async (parse, ct) =>
        {
            // Options are checked before any work: a usage error costs nothing.
            var request = new SearchRequest
            {
                Query = parse.GetValue(text) ?? string.Empty,
                Filters = ParseFilters(parse.GetValue(filter) ?? []),
                PageSize = parse.GetValue(top),
                Page = parse.GetValue(page),
                Sort = Wrap(() => SearchEndpoints.ParseSort(parse.GetValue(sort))),
                Mode = Wrap(() => SearchEndpoints.ParseMode(parse.GetValue(mode))),
                From = ParseDate(parse.GetValue(from), "--from"),
                To = ParseDate(parse.GetValue(to), "--to"),
            };
            using var host = CliApp.CreateHost(parse);
            var search = host.Services.GetRequiredService<SearchService>();

            // The query is checked against the limits before any work (building the index, embedding).
            Wrap(() =>
            {
                search.Check(request);
                return true;
            });
            await host.Services.GetRequiredService<IndexBootstrapper>().EnsureIndexAsync(null, ct).ConfigureAwait(false);

            // A facet value no document has is a usage error, as in the API (400): a typo would otherwise find nothing.
            Wrap(() =>
            {
                UnknownFacetValues.Check(search, request.Filters, ct);
                return true;
            });
            if (request.Mode != SearchMode.Bm25)
            {
                // A one-off query embeds what is missing first (cached after the first time), with progress on stderr.
                await IngestCommand.EnrichForReadingAsync(host, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
            }

            var response = Wrap(() => search.Search(request, ct));
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(response, CliOutput.Json)).ConfigureAwait(false);
                return 0;
            }

            await WriteAsync(output, response).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    internal static Dictionary<string, IReadOnlyList<string>> ParseFilters(IEnumerable<string> values)
    {
        var filters = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var value in values)
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == value.Length - 1)
            {
                throw new CliException($"--filter '{value}' is not FACET=VALUE", 2);
            }

            var field = FacetValues.FieldOf(value[..eq]) ?? throw new CliException($"--filter '{value}': unknown facet '{value[..eq]}' ({string.Join(", ", IndexFields.Facets)})", 2);
            var list = filters.TryGetValue(field, out var existing) ? existing.ToList() : [];
            list.Add(value[(eq + 1)..]);
            filters[field] = list;
        }

        return filters;
    }

    private static DateOnly? ParseDate(string? value, string option)
    {
        if (value is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new CliException($"{option} '{value}' is not a date (yyyy-mm-dd)", 2);
    }

    private static T Wrap<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (QueryParseException ex)
        {
            throw new CliException(ex.Message, 2);
        }
        catch (InvalidSearchRequestException ex)
        {
            throw new CliException(ex.Message, 2);
        }
        catch (QueryLimitException ex)
        {
            throw new CliException($"{ex.Message} (limit: Search:{ex.Limit})", 2);
        }
    }

    private static async Task WriteAsync(TextWriter output, SearchResponse response)
    {
        var ansi = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var first = (response.Page - 1) * response.PageSize;
        await output.WriteLineAsync(FormattableString.Invariant($"{response.Total} documents match ({Search.Core.Evaluation.Evaluator.ModeName(response.Mode)}, {response.ElapsedMilliseconds:0} ms)")).ConfigureAwait(false);
        if (response.Notice is not null)
        {
            await output.WriteLineAsync("note: " + response.Notice).ConfigureAwait(false);
        }
        for (var i = 0; i < response.Hits.Count; i++)
        {
            var hit = response.Hits[i];
            var m = hit.Metadata;
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"{first + i + 1,3}. {hit.Title}")).ConfigureAwait(false);
            var facts = new[] { m.Number, hit.Kind, m.StudyPeriod, m.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), string.Join(' ', m.Questions), hit.Topics.Count > 0 ? "topics: " + string.Join(',', hit.Topics) : null }
                .Where(f => !string.IsNullOrEmpty(f));
            var s = hit.Scores;
            var parts = response.Mode == SearchMode.Bm25
                ? FormattableString.Invariant($"bm25 {hit.Score:0.00}")
                : FormattableString.Invariant($"fused {s.Fused:0.000} (bm25 {(s.Keyword is { } k ? k.ToString("0.00", CultureInfo.InvariantCulture) : "-")}, semantic {(s.Semantic is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-")}){(s.IdentifierMatch ? ", exact identifier" : string.Empty)}");
            await output.WriteLineAsync(FormattableString.Invariant($"     {hit.Id} · {string.Join(" · ", facts)} · {parts}")).ConfigureAwait(false);
            await output.WriteLineAsync("     " + CliOutput.PlainSnippet(hit.Snippet, ansi)).ConfigureAwait(false);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        foreach (var (facet, values) in response.Facets)
        {
            if (values.Count == 0)
            {
                continue;
            }

            var shown = values.Take(12).Select(v => FormattableString.Invariant($"{(v.Selected ? "*" : string.Empty)}{v.Value} ({v.Count})"));
            await output.WriteLineAsync($"{facet,-9} {string.Join(", ", shown)}{(values.Count > 12 ? ", …" : string.Empty)}").ConfigureAwait(false);
        }
    }
}
