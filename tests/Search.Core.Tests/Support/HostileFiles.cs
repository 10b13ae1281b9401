using System.IO.Compression;
using System.Text;

namespace Search.Core.Tests.Support;

/// <summary>Builds hostile and broken files: zip bombs, deeply nested XML, PDF flate bombs, encrypted and corrupt files.</summary>
internal static class HostileFiles
{
    private const string ContentTypes = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""";
    private const string Rels = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>""";

    /// <summary>A .docx whose document.xml inflates to <paramref name="expandedBytes"/> (mostly one repeated character).</summary>
    public static void ZipBombDocx(string path, long expandedBytes)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Add(zip, "[Content_Types].xml", ContentTypes);
        Add(zip, "_rels/.rels", Rels);
        var entry = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize);
        using var stream = entry.Open();
        var head = Encoding.UTF8.GetBytes("""<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>""");
        stream.Write(head);
        var chunk = new byte[1 << 20];
        Array.Fill(chunk, (byte)'A');
        for (long written = 0; written < expandedBytes; written += chunk.Length)
        {
            stream.Write(chunk);
        }

        stream.Write(Encoding.UTF8.GetBytes("</w:t></w:r></w:p></w:body></w:document>"));
    }

    /// <summary>A .docx whose body nests <paramref name="depth"/> elements: OpenXml would overflow the stack on it.</summary>
    public static void DeeplyNestedDocx(string path, int depth)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Add(zip, "[Content_Types].xml", ContentTypes);
        Add(zip, "_rels/.rels", Rels);
        var sb = new StringBuilder("""<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>""");
        for (var i = 0; i < depth; i++)
        {
            sb.Append("<w:customXml>");
        }

        sb.Append("<w:p><w:r><w:t>deep</w:t></w:r></w:p>");
        for (var i = 0; i < depth; i++)
        {
            sb.Append("</w:customXml>");
        }

        sb.Append("</w:body></w:document>");
        Add(zip, "word/document.xml", sb.ToString());
    }

    /// <summary>A PDF with one Flate stream that inflates to <paramref name="expandedBytes"/> of zeros.</summary>
    public static byte[] FlateBombPdf(long expandedBytes)
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var chunk = new byte[1 << 20];
            for (long written = 0; written < expandedBytes; written += chunk.Length)
            {
                z.Write(chunk);
            }
        }

        var data = compressed.ToArray();
        using var pdf = new MemoryStream();
        void W(string s) => pdf.Write(Encoding.ASCII.GetBytes(s));
        W("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
        W("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
        W("3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj\n");
        W($"4 0 obj << /Length {data.Length} /Filter /FlateDecode >>\nstream\n");
        pdf.Write(data);
        W("\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        return pdf.ToArray();
    }

    /// <summary>The start of an OLE compound file holding an EncryptionInfo stream, as Office writes password-protected files.</summary>
    public static byte[] EncryptedOfficeFile()
    {
        var bytes = new byte[4096];
        byte[] magic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        magic.CopyTo(bytes, 0);
        Encoding.Unicode.GetBytes("EncryptionInfo").CopyTo(bytes, 1024);
        Encoding.Unicode.GetBytes("EncryptedPackage").CopyTo(bytes, 1152);
        return bytes;
    }

    /// <summary>A legacy binary .doc: an OLE compound file without encryption streams.</summary>
    public static byte[] LegacyDoc()
    {
        var bytes = new byte[4096];
        byte[] magic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        magic.CopyTo(bytes, 0);
        Encoding.Unicode.GetBytes("WordDocument").CopyTo(bytes, 1024);
        return bytes;
    }

    /// <summary>A zip header followed by garbage: a truncated or corrupt .docx.</summary>
    public static byte[] CorruptZip()
    {
        var bytes = new byte[2048];
        new Random(7).NextBytes(bytes);
        bytes[0] = (byte)'P';
        bytes[1] = (byte)'K';
        bytes[2] = 3;
        bytes[3] = 4;
        return bytes;
    }

    private static void Add(ZipArchive zip, string name, string content)
    {
        var entry = zip.CreateEntry(name);
        using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
        writer.Write(content);
    }
}
