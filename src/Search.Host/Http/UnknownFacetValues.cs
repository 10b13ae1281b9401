using Search.Core.Querying;

namespace Search.Host.Http;

/// <summary>
/// A facet value no document has (<c>sg=99</c>) is an error, in the API (400 naming the facet) and the CLI
/// (exit 2) alike: a typo would otherwise return nothing, in silence.
/// </summary>
internal static class UnknownFacetValues
{
    /// <summary>Throws <see cref="InvalidSearchRequestException"/> for the first filter value that no document of the index has.</summary>
    public static void Check(SearchService search, IReadOnlyDictionary<string, IReadOnlyList<string>> filters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Count == 0)
        {
            return;
        }

        // The usual case, a value some document has, is one term look-up; the whole-index counts are
        // read only for a value no document has under its exact form (to compare ignoring case, and to
        // name the values there are).
        IReadOnlyDictionary<string, IReadOnlyList<FacetValue>>? known = null;
        foreach (var (field, values) in filters)
        {
            foreach (var value in values)
            {
                var normalized = FacetValues.Normalize(field, value);
                if (search.HasFacetValue(field, normalized))
                {
                    continue;
                }

                known ??= search.Facets(null, cancellationToken);
                var present = known.TryGetValue(field, out var counts) ? counts : [];
                if (!present.Any(v => v.Count > 0 && string.Equals(v.Value, normalized, StringComparison.OrdinalIgnoreCase)))
                {
                    var examples = string.Join(", ", present.Where(v => v.Count > 0).Take(12).Select(v => v.Value));
                    throw new InvalidSearchRequestException(
                        $"no document has {field} '{value}'{(examples.Length > 0 ? $" (values include {examples}{(present.Count > 12 ? ", …" : string.Empty)})" : string.Empty)}", field);
                }
            }
        }
    }
}
