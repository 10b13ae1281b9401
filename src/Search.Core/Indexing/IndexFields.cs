namespace Search.Core.Indexing;

/// <summary>Names of the Lucene fields, in one place.</summary>
public static class IndexFields
{
    // Identity and bookkeeping (stored, not analysed).
    public const string Id = "id";

    /// <summary>The id again as doc values, to map matches to ids without loading stored fields.</summary>
    public const string IdValue = "id_dv";
    public const string Path = "path";
    public const string Hash = "hash";

    /// <summary>The hash again as doc values, so that an ingestion's first pass reads no stored body (an index written before it had none: its stored hash is read then).</summary>
    public const string HashValue = "hash_dv";
    public const string Format = "format";
    public const string Metadata = "meta";
    public const string Topics = "topics";
    public const string ModelTopics = "topics_model";

    /// <summary>Which topic model tagged the document (text features, or text and embeddings).</summary>
    public const string TopicsBy = "topics_by";

    /// <summary>The identity of the trained model that tagged the document: a new model re-tags it.</summary>
    public const string TopicsModelId = "topics_model_id";

    /// <summary>
    /// <see cref="TopicsBy"/> and <see cref="TopicsModelId"/> again as doc values (joined by a unit separator),
    /// so that finding the documents left to tag reads no stored body (at 100k, 2 s after every commit).
    /// </summary>
    public const string TopicsByValue = "topics_by_dv";

    /// <summary>The 0-based lines of the stored body that are boilerplate, as ranges ("0-12,40-80"); absent when none (stored only).</summary>
    public const string Boilerplate = "boilerplate";

    // Analysed text (ItuAnalyzer).
    public const string Title = "title";
    public const string Abstract = "abstract";
    public const string Keywords = "keywords";
    public const string Body = "body";
    public const string Number = "number";
    public const string Source = "source";
    public const string References = "refs";

    // Facets: indexed as exact terms for filters and as sorted-set doc values for counting.
    public const string StudyGroup = "sg";
    public const string Question = "question";
    public const string Kind = "kind";
    public const string StudyPeriod = "period";
    public const string Year = "year";
    public const string Topic = "topic";

    /// <summary>The series of a Recommendation (<c>X</c>, <c>Y</c>, <c>Q</c>).</summary>
    public const string Series = "series";

    /// <summary>Study groups a document merely names in its text (not its own, nor those of its Questions).</summary>
    public const string Mentions = "mentions";

    // Dates as yyyymmdd: an Int32 field for ranges and numeric doc values for sorting.
    public const string Date = "date";
    public const string DateSort = "date_sort";

    /// <summary>Facets in display order.</summary>
    public static IReadOnlyList<string> Facets { get; } = [StudyGroup, Question, Kind, StudyPeriod, Year, Topic, Format, Series, Mentions];

    /// <summary>Text fields searched by default, with their boosts (title and abstract count most).</summary>
    public static IReadOnlyDictionary<string, float> SearchedFields { get; } = new Dictionary<string, float>
    {
        [Title] = 3f,
        [Abstract] = 2f,
        [Keywords] = 2f,
        [Number] = 4f,
        [Body] = 1f,
        [Source] = 0.5f,
        [References] = 1f,
    };
}
