using System.Globalization;
using System.Text.Json;
using Lucene.Net.Documents;
using Lucene.Net.Util;
using Search.Core.Ingestion;

namespace Search.Core.Indexing;

/// <summary>Maps an <see cref="IngestedDocument"/> to a Lucene document and back.</summary>
public static class DocumentMapper
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The default of <see cref="SearchOptions.TermVectorMinChars"/>: bodies this long or longer keep term
    /// vectors; shorter ones are analysed again when a hit needs them (<see cref="BodyTermVector"/>).
    /// At 16K the bundled corpus (bodies of 4-7.5K characters) kept none, and 64 connections of keyword
    /// searches on it served 371 and 394 requests/s against 664 and 586 with vectors on every body; at
    /// 4K, 667 and 652. The benchmark corpus's bodies (under 2.5K) keep none, as at 16K.
    /// </summary>
    public const int TermVectorMinChars = 4 * 1024;

    private static readonly FieldType BodyType = TextField.TYPE_STORED;

    private static readonly FieldType BodyWithVectorsType = WithVectors(TextField.TYPE_STORED);

    /// <summary>
    /// The body as it is searched when it has boilerplate: boilerplate lines blanked out with spaces
    /// (same length, same line breaks), so offsets still point into the stored text for snippets, while
    /// a query never matches the series table or the foreword.
    /// </summary>
    private static readonly FieldType SearchedBodyType = TextField.TYPE_NOT_STORED;

    private static readonly FieldType SearchedBodyWithVectorsType = WithVectors(TextField.TYPE_NOT_STORED);

    /// <param name="modelTopics">The classifier's topics, kept so that overrides can be applied again later.</param>
    /// <param name="topics">The topics after the user's overrides: facet, filter and display.</param>
    /// <param name="tagging">The model that gave <paramref name="modelTopics"/>, or null when no model tagged the document yet.</param>
    /// <param name="termVectorMinChars">Bodies this long or longer keep term vectors.</param>
    public static Document ToLucene(IngestedDocument doc, IReadOnlyList<TopicAssignment> modelTopics, IReadOnlyList<TopicAssignment> topics, TopicTagging? tagging = null, int termVectorMinChars = TermVectorMinChars)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(modelTopics);
        ArgumentNullException.ThrowIfNull(topics);
        var m = doc.Metadata;
        var d = new Document
        {
            new KeywordField(IndexFields.Id, doc.Id, Field.Store.YES),
            new SortedDocValuesField(IndexFields.IdValue, new BytesRef(doc.Id)),
            new StoredField(IndexFields.Path, doc.Path),
            new StoredField(IndexFields.Format, doc.Format),
            new StoredField(IndexFields.Hash, doc.Hash),
            new BinaryDocValuesField(IndexFields.HashValue, new BytesRef(doc.Hash)),
            new StoredField(IndexFields.Metadata, JsonSerializer.Serialize(m, Json)),
            new TextField(IndexFields.Title, TitleOf(doc), Field.Store.YES),
        };
        var vectors = doc.Text.Length >= termVectorMinChars;
        if (doc.Boilerplate is null)
        {
            d.Add(new Field(IndexFields.Body, doc.Text, vectors ? BodyWithVectorsType : BodyType));
        }
        else
        {
            d.Add(new StoredField(IndexFields.Body, doc.Text));
            d.Add(new Field(IndexFields.Body, BlankBoilerplate(doc.Text, doc.Boilerplate), vectors ? SearchedBodyWithVectorsType : SearchedBodyType));
            d.Add(new StoredField(IndexFields.Boilerplate, doc.Boilerplate));
        }

        AddText(d, IndexFields.Abstract, m.Abstract);
        AddText(d, IndexFields.Keywords, m.Keywords.Count == 0 ? null : string.Join("; ", m.Keywords));
        AddText(d, IndexFields.Number, m.Number);
        foreach (var other in m.Recommendation?.Numbers.Skip(1) ?? [])
        {
            d.Add(new TextField(IndexFields.Number, other, Field.Store.NO));
        }

        AddText(d, IndexFields.Source, m.Source);
        var refs = m.References.Documents.Concat(m.References.Recommendations).Concat(m.References.Resolutions).Concat(m.Questions).ToList();
        if (refs.Count > 0)
        {
            d.Add(new TextField(IndexFields.References, string.Join(" ; ", refs), Field.Store.NO));
        }

        AddFacet(d, IndexFields.Format, doc.Format);
        AddFacet(d, IndexFields.Kind, DocumentMetadata.KindCode(m.Kind));
        foreach (var sg in m.StudyGroups.Append(m.Group).OfType<string>().Distinct())
        {
            AddFacet(d, IndexFields.StudyGroup, sg);
        }

        foreach (var sg in m.Mentions)
        {
            AddFacet(d, IndexFields.Mentions, sg);
        }

        if (m.Recommendation?.Series is { } series)
        {
            AddFacet(d, IndexFields.Series, series);
        }

        foreach (var q in m.Questions)
        {
            AddFacet(d, IndexFields.Question, q);
        }

        if (m.StudyPeriod is not null)
        {
            AddFacet(d, IndexFields.StudyPeriod, m.StudyPeriod);
        }

        d.Add(new StoredField(IndexFields.Topics, JsonSerializer.Serialize(topics, Json)));
        d.Add(new StoredField(IndexFields.ModelTopics, JsonSerializer.Serialize(modelTopics, Json)));
        if (tagging is not null)
        {
            d.Add(new StoredField(IndexFields.TopicsBy, tagging.Model));
            d.Add(new StoredField(IndexFields.TopicsModelId, tagging.ModelId));
            d.Add(new BinaryDocValuesField(IndexFields.TopicsByValue, new BytesRef(tagging.Model + LiveDocuments.TaggingSeparator + tagging.ModelId)));
        }

        foreach (var topic in topics)
        {
            AddFacet(d, IndexFields.Topic, topic.Topic);
        }

        if (m.Date is { } date)
        {
            var value = DateValue(date);
            d.Add(new Int32Field(IndexFields.Date, value, Field.Store.NO));
            d.Add(new NumericDocValuesField(IndexFields.DateSort, value));
            AddFacet(d, IndexFields.Year, date.Year.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            d.Add(new NumericDocValuesField(IndexFields.DateSort, 0));
        }

        return d;
    }

    /// <summary>The title a document is indexed and shown with: its own, else its file name.</summary>
    public static string TitleOf(IngestedDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        return doc.Metadata.DisplayTitle ?? System.IO.Path.GetFileNameWithoutExtension(doc.Path);
    }

    /// <summary>A date as the yyyymmdd integer the index stores.</summary>
    public static int DateValue(DateOnly date) => (date.Year * 10000) + (date.Month * 100) + date.Day;

    public static DocumentMetadata MetadataOf(Document doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var json = doc.Get(IndexFields.Metadata);
        return json is null ? new DocumentMetadata() : JsonSerializer.Deserialize<DocumentMetadata>(json, Json) ?? new DocumentMetadata();
    }

    /// <summary>The document's topics after overrides (or the classifier's, with <paramref name="field"/> = <see cref="IndexFields.ModelTopics"/>).</summary>
    public static IReadOnlyList<TopicAssignment> TopicsOf(Document doc, string field = IndexFields.Topics)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var value = doc.Get(field);
        return string.IsNullOrEmpty(value) ? [] : JsonSerializer.Deserialize<List<TopicAssignment>>(value, Json) ?? [];
    }

    /// <summary>The model's tagging of a stored document, or null when no model tagged it yet.</summary>
    public static TopicTagging? TaggingOf(Document doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        return doc.Get(IndexFields.TopicsBy) is { } model
            ? new TopicTagging(TopicsOf(doc, IndexFields.ModelTopics), model, doc.Get(IndexFields.TopicsModelId) ?? string.Empty)
            : null;
    }

    /// <summary>The ingested document back from its stored fields (to index it again with other topics).</summary>
    public static IngestedDocument FromLucene(Document doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        return new IngestedDocument(
            doc.Get(IndexFields.Id) ?? string.Empty,
            doc.Get(IndexFields.Path) ?? string.Empty,
            doc.Get(IndexFields.Format) ?? string.Empty,
            doc.Get(IndexFields.Hash) ?? string.Empty,
            MetadataOf(doc),
            doc.Get(IndexFields.Body) ?? string.Empty)
        {
            Boilerplate = doc.Get(IndexFields.Boilerplate),
        };
    }

    /// <summary>
    /// The lines of a stored body that are content, in order: boilerplate lines (named by
    /// <paramref name="boilerplate"/>, the stored <see cref="IndexFields.Boilerplate"/> ranges) and
    /// empty lines are left out. Passages for semantic search and topics, snippets and overlap
    /// evidence are cut from these lines.
    /// </summary>
    public static IReadOnlyList<string> ContentLines(string body, string? boilerplate)
    {
        ArgumentNullException.ThrowIfNull(body);
        var isBoilerplate = Ingestion.Boilerplate.Contains(boilerplate);
        var lines = body.Split('\n');
        var result = new List<string>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            if (!isBoilerplate(i) && lines[i].Trim().Length > 0)
            {
                result.Add(lines[i]);
            }
        }

        return result;
    }

    /// <summary>The body with its boilerplate lines replaced by spaces of the same length.</summary>
    internal static string BlankBoilerplate(string body, string? boilerplate)
    {
        var isBoilerplate = Ingestion.Boilerplate.Contains(boilerplate);
        var lines = body.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (isBoilerplate(i))
            {
                lines[i] = new string(' ', lines[i].Length);
            }
        }

        return string.Join('\n', lines);
    }

    private static FieldType WithVectors(FieldType type)
    {
        var withVectors = new FieldType(type) { StoreTermVectors = true, StoreTermVectorPositions = true, StoreTermVectorOffsets = true };
        withVectors.Freeze();
        return withVectors;
    }

    private static void AddText(Document d, string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            d.Add(new TextField(field, value, Field.Store.YES));
        }
    }

    private static void AddFacet(Document d, string field, string value)
    {
        d.Add(new KeywordField(field, value, Field.Store.NO));
        d.Add(new SortedSetDocValuesField(field, new BytesRef(value)));
    }
}
