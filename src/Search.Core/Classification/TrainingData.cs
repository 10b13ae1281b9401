using System.Security.Cryptography;
using System.Text;

namespace Search.Core.Classification;

/// <summary>A labelled passage: 1-5 sentences with zero or more topic ids.</summary>
public sealed record LabelledPassage(string Id, IReadOnlyList<string> Topics, string Text);

/// <summary>Reads labelled passages from every <c>*.tsv</c> of a folder (header line; columns id, topics, text).</summary>
public static class TrainingData
{
    public static IReadOnlyList<LabelledPassage> Load(string folder, TopicTaxonomy taxonomy)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(taxonomy);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"training folder not found: {folder}");
        }

        var passages = new List<LabelledPassage>();
        foreach (var file in Directory.GetFiles(folder, "*.tsv").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 1; i < lines.Length; i++)
            {
                if (lines[i].Trim().Length == 0)
                {
                    continue;
                }

                var cells = lines[i].Split('\t');
                if (cells.Length != 3)
                {
                    throw new FormatException($"{file}, line {i + 1}: expected 3 tab-separated columns (id, topics, text), found {cells.Length}");
                }

                var topics = cells[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(t => t.ToLowerInvariant()).ToList();
                var unknown = topics.FirstOrDefault(t => !taxonomy.Contains(t));
                if (unknown is not null)
                {
                    throw new FormatException($"{file}, line {i + 1}: topic '{unknown}' is not in the taxonomy");
                }

                passages.Add(new LabelledPassage(cells[0], topics, cells[2]));
            }
        }

        return passages;
    }

    /// <summary>A fingerprint of the passages and taxonomy: a model trained on other data is stale.</summary>
    public static string Fingerprint(IEnumerable<LabelledPassage> passages, TopicTaxonomy taxonomy)
    {
        ArgumentNullException.ThrowIfNull(passages);
        ArgumentNullException.ThrowIfNull(taxonomy);
        var sb = new StringBuilder();
        foreach (var t in taxonomy.Topics)
        {
            sb.Append(t.Id).Append('\n');
        }

        foreach (var p in passages)
        {
            sb.Append(p.Id).Append('\t').Append(string.Join(',', p.Topics)).Append('\t').Append(p.Text).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }
}
