using System.IO.Compression;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Search.Core.Tests.Support;

/// <summary>Builds real PDFs with PdfPig: text pages, and an image-only page as a scanner makes.</summary>
internal static class PdfBuilder
{
    public static byte[] Text(params string[] lines)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var y = 780.0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                y -= 14;
                continue;
            }

            page.AddText(line, 10, new PdfPoint(56, y), font);
            y -= 13;
        }

        return builder.Build();
    }

    public static byte[] ScannedImageOnly()
    {
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        page.AddPng(TinyPng(), new PdfRectangle(50, 50, 550, 800));
        return builder.Build();
    }

    /// <summary>A 2×2 grey PNG, written by hand so the test needs no image library.</summary>
    private static byte[] TinyPng()
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(ms, "IHDR", [0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0]);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write([0, 128, 128, 0, 128, 128]);
        }

        Chunk(ms, "IDAT", raw.ToArray());
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var length = BitConverter.GetBytes(data.Length);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(length);
        }

        s.Write(length);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        var crc = Crc32([.. typeBytes, .. data]);
        var crcBytes = BitConverter.GetBytes(crc);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(crcBytes);
        }

        s.Write(crcBytes);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
