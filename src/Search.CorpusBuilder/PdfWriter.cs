using System.Text;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Search.CorpusBuilder;

/// <summary>Writes a text PDF (Helvetica, A4) with the plain layout; paragraphs are separated by a wider gap.</summary>
internal static class PdfWriter
{
    private const double FontSize = 10;
    private const double Leading = 13;
    private const double Margin = 56;

    public static void Write(AuthoredDocument doc, string path)
    {
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var top = page.PageSize.Height - Margin;
        var y = top;
        var paragraphs = Layout.PlainParagraphs(doc, 95);
        for (var p = 0; p < paragraphs.Count; p++)
        {
            var headingLike = paragraphs[p].Count == 1 && paragraphs[p][0].Length < 80 && char.IsDigit(paragraphs[p][0][0]);
            foreach (var line in paragraphs[p])
            {
                if (y < Margin)
                {
                    page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
                    y = top;
                }

                page.AddText(WinAnsi(line), FontSize, new PdfPoint(Margin, y), headingLike || p < 2 ? bold : regular);
                y -= Leading;
            }

            y -= Leading * 0.8;
        }

        File.WriteAllBytes(path, Deterministic(builder.Build(), doc.Stem));
    }

    /// <summary>PdfPig writes a random file /ID; a fixed one (same length, so offsets hold) keeps rebuilt files identical.</summary>
    private static byte[] Deterministic(byte[] pdf, string stem)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var id = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(stem)))[..32];
        var fixedId = System.Text.RegularExpressions.Regex.Replace(text, @"/ID \[ <[0-9A-F]{32}><[0-9A-F]{32}>\]", $"/ID [ <{id}><{id}>]");
        return Encoding.Latin1.GetBytes(fixedId);
    }

    // Accent folding by table: string normalisation is not available with invariant globalization.
    private const string Accents = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝšžŠŽłŁőűŐŰčćČĆřŘşŞğĞıİ";
    private const string Plain = "aaaaaaceeeeiiiinoooooouuuuyyAAAAAACEEEEIIIINOOOOOOUUUUYszSZlLouOUccCCrRsSgGiI";

    /// <summary>PdfPig's standard 14 fonts draw ASCII reliably: map typographic punctuation and strip accents.</summary>
    private static string WinAnsi(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var folded = Accents.IndexOf(c, StringComparison.Ordinal);
            if (folded >= 0)
            {
                sb.Append(Plain[folded]);
                continue;
            }

            sb.Append(c switch
            {
                '–' or '—' or '−' or '‑' => "-",
                '‘' or '’' => "'",
                '“' or '”' => "\"",
                '•' or '·' => "-",
                '…' => "...",
                '≤' => "<=",
                '≥' => ">=",
                '→' => "->",
                '×' => "x",
                '°' => " deg",
                '±' => "+/-",
                '€' => "EUR",
                '\u00A0' => " ",
                _ when c < 128 => c.ToString(),
                _ => "?",
            });
        }

        return sb.ToString();
    }
}
