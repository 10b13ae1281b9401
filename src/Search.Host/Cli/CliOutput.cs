using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Search.Core.Indexing;

namespace Search.Host.Cli;

/// <summary>Shared output helpers: stable JSON and plain-text rendering of snippets.</summary>
internal static partial class CliOutput
{
    /// <summary>Indented JSON; enums the API never writes (the fusion method of <c>eval</c>) as their names, not numbers.</summary>
    public static JsonSerializerOptions Json { get; } = new(DocumentMapper.Json) { WriteIndented = true, Converters = { new JsonStringEnumConverter<Search.Core.Semantic.FusionMethod>() } };

    public static JsonSerializerOptions JsonLines { get; } = new(DocumentMapper.Json) { WriteIndented = false };

    [GeneratedRegex("</?mark>", RegexOptions.CultureInvariant)]
    private static partial Regex Marks();

    /// <summary>A snippet for a terminal: marks as «…» (or bold on a terminal), entities decoded.</summary>
    public static string PlainSnippet(string html, bool ansi)
    {
        ArgumentNullException.ThrowIfNull(html);
        var text = Marks().Replace(html, m => m.Value == "<mark>" ? (ansi ? "\u001b[1m" : "«") : (ansi ? "\u001b[0m" : "»"));
        return System.Net.WebUtility.HtmlDecode(text);
    }
}
