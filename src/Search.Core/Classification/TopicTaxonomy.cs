namespace Search.Core.Classification;

/// <summary>A topic documents can be tagged with.</summary>
public sealed record Topic(string Id, string Label, string Description);

/// <summary>The topics, read from a tab-separated file (id, label, description): code names none of them.</summary>
public sealed class TopicTaxonomy
{
    public TopicTaxonomy(IReadOnlyList<Topic> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        Topics = topics;
    }

    public IReadOnlyList<Topic> Topics { get; }

    public IEnumerable<string> Ids => Topics.Select(t => t.Id);

    public bool Contains(string id) => Topics.Any(t => t.Id == id);

    public static TopicTaxonomy Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"topic taxonomy not found: {path}", path);
        }

        var topics = new List<Topic>();
        var lines = File.ReadAllLines(path);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }

            var cells = lines[i].Split('\t');
            if (cells.Length < 2 || cells[0].Trim().Length == 0)
            {
                throw new FormatException($"{path}, line {i + 1}: expected 'id<TAB>label<TAB>description'");
            }

            var id = cells[0].Trim().ToLowerInvariant();
            if (id.Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '_')))
            {
                throw new FormatException($"{path}, line {i + 1}: topic id '{id}' may hold only letters, digits, '-' and '_'");
            }

            topics.Add(new Topic(id, cells[1].Trim(), cells.Length > 2 ? cells[2].Trim() : string.Empty));
        }

        return new TopicTaxonomy(topics);
    }
}
