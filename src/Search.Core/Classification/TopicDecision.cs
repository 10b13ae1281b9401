using System.Text.RegularExpressions;

namespace Search.Core.Classification;

/// <summary>
/// The rule that turns a document's passage probabilities into its score for a topic, written down
/// for long documents.
/// <list type="bullet">
/// <item>A short document (up to <see cref="PassagesPerSupport"/> passages: a contribution, a liaison,
/// a TD) scores its best passage, so that a liaison treating a topic in one paragraph gets the tag.</item>
/// <item>A long one (a 150-page Recommendation, a glossary, a meeting report) must treat the topic in
/// proportion to its length: it scores its k-th best passage, k one more for every further
/// <see cref="PassagesPerSupport"/> passages (2 from 61 passages, 5 from 241). One sentence on device
/// identifiers in a Recommendation on ISDN cause values, or a key exchange in a glossary of 2,000
/// terms, does not make the document about that topic; a document about it has many such passages.</item>
/// <item>In a long document, listing rows (a row of a work programme or of a list of contributions and
/// TDs: <c>|21|Q15/17|X.sec_QKD_profr|…</c>, <c>link:…[TD 126/1]: Output – …</c>, <c>SG11-C407 …</c>)
/// name other documents' subjects; they do not count as support, so a meeting report whose only
/// quantum passages are rows of its document list is not a quantum document.</item>
/// </list>
/// </summary>
public static partial class TopicDecision
{
    /// <summary>How many passages of a document each supporting passage stands for.</summary>
    public const int PassagesPerSupport = 60;

    [GeneratedRegex(@"^(?:\||link:|(?:SG\d{1,2}|TSAG)-(?:C|TD|LS|R)\s?\d|(?:C|TD|LS)\s?\d{1,5}\b)", RegexOptions.CultureInvariant)]
    private static partial Regex ListingStart();

    /// <summary>How many passages must reach the threshold for a document of <paramref name="passageCount"/> passages.</summary>
    public static int RequiredSupport(int passageCount) =>
        passageCount <= PassagesPerSupport ? 1 : (passageCount + PassagesPerSupport - 1) / PassagesPerSupport;

    /// <summary>A passage that is a row of a list of documents or work items rather than prose.</summary>
    public static bool IsListing(string passage)
    {
        ArgumentNullException.ThrowIfNull(passage);
        var text = passage.TrimStart();
        return ListingStart().IsMatch(text) || text.Count(c => c == '|') >= 3;
    }

    /// <summary>
    /// The document's score for a topic: its k-th best passage probability, k = <see cref="RequiredSupport"/>
    /// (the best one for short documents); in a long document, over its prose passages only (see <see cref="IsListing"/>).
    /// </summary>
    /// <param name="passages">The passages, in the order of <paramref name="passageProbabilities"/>; without them no passage counts as a listing.</param>
    public static float Aggregate(float[] passageProbabilities, IReadOnlyList<string>? passages = null)
    {
        ArgumentNullException.ThrowIfNull(passageProbabilities);
        if (passageProbabilities.Length == 0)
        {
            return 0;
        }

        var k = RequiredSupport(passageProbabilities.Length);
        if (k == 1)
        {
            return passageProbabilities.Max();
        }

        var counted = passages is null || passages.Count != passageProbabilities.Length
            ? (float[])passageProbabilities.Clone()
            : passageProbabilities.Where((_, i) => !IsListing(passages[i])).ToArray();
        if (counted.Length < k)
        {
            return 0;
        }

        Array.Sort(counted);
        return counted[^k];
    }
}
