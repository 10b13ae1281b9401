using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Search.Host.Http;

/// <summary>
/// Refuses, with a 400 naming the field, a request to the API whose path or parameters are not valid
/// UTF-8 once percent-decoded, or hold control characters (NUL and the like): ASP.NET would otherwise
/// read them with replacement characters and look them up. Kestrel itself refuses a NUL in the path
/// (<c>%00</c>) before any of this runs, with a bare 400.
/// </summary>
public static class RequestEncodingGuard
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IApplicationBuilder UseRequestEncodingGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var problem = Check(context);
        if (problem is not null)
        {
            await Problems.WriteAsync(context, Problems.Of(StatusCodes.Status400BadRequest, "Invalid request", problem.Value.Detail, problem.Value.Field)).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    private static (string Field, string Detail)? Check(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/healthz"))
        {
            return null;
        }

        // The path as sent (Kestrel keeps it; a test server may not) and as decoded (invalid bytes become U+FFFD).
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var question = raw.IndexOf('?', StringComparison.Ordinal);
        var pathField = context.Request.Path.StartsWithSegments("/api/documents") ? "id" : "path";
        // The endpoints unescape the id once more (for %2F), so the decoded path is checked as percent-encoded text too.
        var pathProblem = Problem(question < 0 ? raw : raw[..question], plusIsSpace: false)
            ?? (context.Request.Path.Value?.Contains('\uFFFD', StringComparison.Ordinal) == true ? "is not valid UTF-8 once percent-decoded" : null)
            ?? Problem(context.Request.Path.Value ?? string.Empty, plusIsSpace: false);
        if (pathProblem is not null)
        {
            return (pathField, $"the {pathField} {pathProblem}");
        }

        // The query string is kept encoded by every server.
        var query = context.Request.QueryString.Value ?? string.Empty;
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            if (Problem(name, plusIsSpace: true) is { } nameProblem)
            {
                return ("query", $"a parameter name {nameProblem}");
            }

            var field = Decode(name, plusIsSpace: true)!;
            if (eq >= 0 && Problem(pair[(eq + 1)..], plusIsSpace: true) is { } valueProblem)
            {
                return (field, $"the value of '{field}' {valueProblem}");
            }
        }

        return null;
    }

    /// <summary>What is wrong with a percent-encoded part, or null when it decodes to UTF-8 text without control characters.</summary>
    private static string? Problem(string encoded, bool plusIsSpace)
    {
        var text = Decode(encoded, plusIsSpace);
        if (text is null)
        {
            return "is not valid UTF-8 once percent-decoded";
        }

        return ControlCharacter(text);
    }

    private static string? ControlCharacter(string text)
    {
        // Tabs and line breaks are white space (a pasted paragraph); NUL and the other control characters are not text.
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return $"contains the control character U+{(int)c:X4}";
            }
        }

        return null;
    }

    private static string? Decode(string encoded, bool plusIsSpace)
    {
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%' && i + 2 < encoded.Length && Uri.IsHexDigit(encoded[i + 1]) && Uri.IsHexDigit(encoded[i + 2]))
            {
                bytes.Add(Convert.ToByte(encoded.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                bytes.Add((byte)' ');
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                // Already decoded text (a path as the server decoded it): its own UTF-8 bytes.
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        try
        {
            return Strict.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
