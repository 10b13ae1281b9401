using System.Diagnostics;
using Lucene.Net.Index;
using Search.Core.Indexing;

namespace Search.Core.Querying;

/// <summary>What a warm-up did: searches run, in how many rounds, and the methods the JIT compiled meanwhile.</summary>
/// <param name="Skipped">Why nothing was run (a small index, an empty one), or null.</param>
/// <param name="Matched">Searches that found at least one document.</param>
public sealed record WarmUpReport(int Searches, int Matched, int Rounds, long MethodsCompiled, long MethodsCompiledLastRound, double Seconds, string? Skipped = null)
{
    /// <summary>The searches run, by kind (plain, facets, filtered, page 2, phrase, by date, hybrid).</summary>
    public IReadOnlyDictionary<string, int> Kinds { get; init; } = new Dictionary<string, int>();
}

/// <summary>
/// Runs searches of every kind the API serves, made of the index's own words, before the first caller
/// comes: a fresh process runs its search code unoptimised until the runtime's tiered compiler has seen
/// it called often enough and recompiled it in the background, and on 2 cores that took the first few
/// hundred searches at 100,000 documents (p99 31 ms on the first pass of 500 queries over HTTP, 11-12 ms
/// on the next two). Searches are run in rounds with a pause between them (the runtime starts counting
/// calls only after a pause in new compilations) until a round compiles (almost) nothing new, or the time
/// budget is spent. Nothing is written; a search the parser or the limits refuse is skipped.
/// </summary>
public static class SearchWarmUp
{
    /// <summary>Queries in a round (each run as one kind of search, in turn).</summary>
    public const int QueriesPerRound = 42;

    /// <summary>A round that compiles no more methods than this ends the warm-up (after <see cref="MinRounds"/>).</summary>
    public const int SettledMethods = 2;

    /// <summary>Fewest rounds: the first ones compile the unoptimised code, the next ones its optimised recompilation.</summary>
    public const int MinRounds = 3;

    /// <summary>The pause after a round, longer than the runtime's delay (100 ms) before it counts calls.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    private static readonly string[] KindNames = ["plain", "facets", "filtered", "page 2", "phrase", "by date", "hybrid"];

    /// <summary>
    /// Warms <paramref name="search"/> up on the index <paramref name="store"/> serves, for at most
    /// <paramref name="budget"/>. Hybrid searches are included when <paramref name="hybrid"/> is set (the
    /// semantic index is ready: otherwise they would run as keyword searches).
    /// </summary>
    public static WarmUpReport Run(SearchService search, IndexStore store, TimeSpan budget, bool hybrid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(store);
        var clock = Stopwatch.StartNew();
        var words = Words(store);
        if (words.Frequent.Count + words.Spread.Count < 2)
        {
            return new WarmUpReport(0, 0, 0, 0, 0, clock.Elapsed.TotalSeconds, "the index has too few words to search with");
        }

        var queries = Queries(words);
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        string? studyGroup = null;
        var searches = 0;
        var matched = 0;
        var rounds = 0;
        var compiledAtStart = System.Runtime.JitInfo.GetCompiledMethodCount();
        long lastRound = 0;
        var next = 0;
        while (!cancellationToken.IsCancellationRequested && clock.Elapsed < budget)
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            for (var i = 0; i < QueriesPerRound && clock.Elapsed < budget; i++, next++)
            {
                var kind = next % (hybrid ? KindNames.Length : KindNames.Length - 1);
                var request = Request(kind, queries[next % queries.Count], studyGroup);
                try
                {
                    var response = search.Search(request, cancellationToken);
                    studyGroup ??= response.Facets.TryGetValue(IndexFields.StudyGroup, out var values) && values.Count > 0 ? values[0].Value : null;
                    searches++;
                    matched += response.Total > 0 ? 1 : 0;
                    kinds[KindNames[kind]] = kinds.GetValueOrDefault(KindNames[kind]) + 1;
                }
                catch (Exception ex) when (ex is QueryLimitException or QueryParseException or InvalidSearchRequestException)
                {
                    // A word the parser or the limits refuse: the next query will do.
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }

            rounds++;
            if (cancellationToken.WaitHandle.WaitOne(Pause))
            {
                break;
            }

            lastRound = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
            if (rounds >= MinRounds && lastRound <= SettledMethods)
            {
                break;
            }
        }

        return new WarmUpReport(searches, matched, rounds, System.Runtime.JitInfo.GetCompiledMethodCount() - compiledAtStart, lastRound, clock.Elapsed.TotalSeconds) { Kinds = kinds };
    }

    private static SearchRequest Request(int kind, string[] terms, string? studyGroup)
    {
        var text = string.Join(' ', terms);
        return kind switch
        {
            0 => new SearchRequest { Query = text, Mode = SearchMode.Bm25, IncludeFacets = false },
            1 => new SearchRequest { Query = text, Mode = SearchMode.Bm25 },
            2 => new SearchRequest
            {
                Query = text,
                Mode = SearchMode.Bm25,
                Filters = studyGroup is null
                    ? new Dictionary<string, IReadOnlyList<string>>()
                    : new Dictionary<string, IReadOnlyList<string>> { [IndexFields.StudyGroup] = [studyGroup] },
            },
            3 => new SearchRequest { Query = text, Mode = SearchMode.Bm25, IncludeFacets = false, Page = 2 },
            4 => new SearchRequest { Query = terms.Length < 2 ? $"\"{text}\"" : $"\"{terms[0]} {terms[1]}\" {string.Join(' ', terms.Skip(2))}", Mode = SearchMode.Bm25, IncludeFacets = false },
            5 => new SearchRequest { Query = text, Mode = SearchMode.Bm25, Sort = SearchSort.DateDescending },
            _ => new SearchRequest { Query = text, Mode = SearchMode.Hybrid, IncludeFacets = false },
        };
    }

    /// <summary>
    /// Queries of 2 to 20 words, as people type them: each mixes a few of the most frequent words (long
    /// postings, the block-skipping paths) with words picked evenly through the vocabulary.
    /// </summary>
    private static List<string[]> Queries((List<string> Frequent, List<string> Spread) words)
    {
        int[] lengths = [2, 5, 9, 14, 20, 3, 7, 12];
        var queries = new List<string[]>();
        var f = 0;
        var s = 0;
        for (var q = 0; q < QueriesPerRound * 2; q++)
        {
            var length = lengths[q % lengths.Length];
            var terms = new List<string>(length);
            for (var k = 0; k < length; k++)
            {
                var frequent = words.Spread.Count == 0 || (words.Frequent.Count > 0 && k % 3 == 0);
                terms.Add(frequent ? words.Frequent[f++ % words.Frequent.Count] : words.Spread[s++ % words.Spread.Count]);
            }

            queries.Add([.. terms.Distinct(StringComparer.Ordinal)]);
        }

        return queries;
    }

    /// <summary>The body field's words (letters only): the most frequent ones, and others picked at even steps.</summary>
    private static (List<string> Frequent, List<string> Spread) Words(IndexStore store)
    {
        const int frequentCount = 40;
        const int spreadCount = 400;
        using var lease = store.Lease();
        var terms = MultiFields.GetTerms(lease.Searcher.IndexReader, IndexFields.Body);
        if (terms is null)
        {
            return ([], []);
        }

        var all = new List<(string Word, int DocFreq)>();
        var e = terms.GetEnumerator();
        while (e.MoveNext())
        {
            var word = e.Term.Utf8ToString();
            if (word.Length >= 3 && word.Length <= 20 && word.All(char.IsLetter) && e.DocFreq >= 2)
            {
                all.Add((word, e.DocFreq));
            }
        }

        var frequent = all.OrderByDescending(t => t.DocFreq).ThenBy(t => t.Word, StringComparer.Ordinal).Take(frequentCount).Select(t => t.Word).ToList();
        var step = Math.Max(1, all.Count / spreadCount);
        var spread = new List<string>();
        for (var i = 0; i < all.Count; i += step)
        {
            spread.Add(all[i].Word);
        }

        return (frequent, spread);
    }
}
