using System.Text.RegularExpressions;

namespace Search.Core.Ingestion;

/// <summary>White space made one space, as the expression <c>\s+</c> → <c>" "</c> does it, without its new string for text that needs none.</summary>
internal static partial class WhiteSpace
{
    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Run();

    /// <summary>Every run of white space made one space: the text itself when it has no white space but single spaces (most lines).</summary>
    public static string OneSpaced(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && (text[i] != ' ' || (i + 1 < text.Length && char.IsWhiteSpace(text[i + 1]))))
            {
                return Run().Replace(text, " ");
            }
        }

        return text;
    }
}
