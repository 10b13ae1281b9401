using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Search.Core.Querying;

/// <summary>
/// The time one search may take: a token that fires when the caller gives up or when the budget
/// (<see cref="SearchOptions.QueryTimeoutSeconds"/>) is spent. Lucene is checked through it while
/// terms are expanded (<see cref="BudgetedRewrite"/>) and documents collected (<see cref="BudgetCollector"/>),
/// the query embedding and the facet counts between their steps.
/// </summary>
public sealed class QueryBudget : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _caller;

    public QueryBudget(TimeSpan limit, CancellationToken caller)
    {
        _caller = caller;
        Limit = limit;
        _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _source.CancelAfter(limit);
    }

    public TimeSpan Limit { get; }

    public CancellationToken Token => _source.Token;

    /// <summary>Runs <paramref name="work"/>; when the budget (not the caller) stops it, throws a <see cref="QueryLimitException"/> naming the limit.</summary>
    public T Run<T>(Func<CancellationToken, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return work(Token);
        }
        catch (OperationCanceledException) when (!_caller.IsCancellationRequested)
        {
            throw Exceeded();
        }
    }

    private QueryLimitException Exceeded() => new(
        FormattableString.Invariant($"the search took longer than its time budget of {Limit.TotalSeconds:0.###} s; narrow it (fewer wildcard, fuzzy or regular-expression terms)"),
        nameof(SearchOptions.QueryTimeoutSeconds));

    public void Dispose() => _source.Dispose();
}

/// <summary>A collector that stops (<see cref="OperationCanceledException"/>) when its token fires.</summary>
public sealed class BudgetCollector(ICollector inner, CancellationToken cancellationToken) : ICollector
{
    private int _collected;

    public bool AcceptsDocsOutOfOrder => inner.AcceptsDocsOutOfOrder;

    public void SetScorer(Scorer scorer) => inner.SetScorer(scorer);

    public void SetNextReader(AtomicReaderContext context)
    {
        cancellationToken.ThrowIfCancellationRequested();
        inner.SetNextReader(context);
    }

    public void Collect(int doc)
    {
        if ((++_collected & 1023) == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        inner.Collect(doc);
    }
}

/// <summary>A term expansion (prefix, wildcard, regex, range, fuzzy) that stops when its token fires; it is checked before each field's expansion.</summary>
public sealed class BudgetedRewrite(MultiTermQuery.RewriteMethod inner, CancellationToken cancellationToken) : MultiTermQuery.RewriteMethod
{
    public override Query Rewrite(IndexReader reader, MultiTermQuery query)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return inner.Rewrite(reader, query);
    }
}
