using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Search.Core;

namespace Search.Host.Http;

/// <summary>
/// The keys that may change state (and read, with <see cref="SearchOptions.RequireKeyForReads"/>): those
/// configured in <c>Search:ApiKeys</c>, or else one generated at first start and kept in
/// <c>api-key</c> in the index folder, created readable and writable by its owner only. Its location
/// is logged (never the key), the way a notebook server tells where its token is. Keys are compared
/// in constant time: both sides are hashed first, so neither their content nor their length shows in timing.
/// </summary>
public sealed partial class ApiKeys
{
    public const string FileName = "api-key";
    public const string HeaderName = "X-Api-Key";

    private readonly List<byte[]> _hashes;

    public ApiKeys(IOptions<SearchOptions> options, ILogger<ApiKeys> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).ToList();
        if (configured.Count > 0)
        {
            _hashes = configured.Select(Hash).ToList();
            LogConfigured(logger, configured.Count);
            return;
        }

        KeyFile = Path.Combine(options.Value.IndexPath, FileName);
        string key;
        bool created;
        try
        {
            (key, created) = ReadOrCreate(KeyFile);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // A read-only index folder (it can be searched, not written): the key lives in the user's temp folder instead.
            var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(options.Value.IndexPath))))[..16];
            KeyFile = Path.Combine(Path.GetTempPath(), $"search-api-key-{id}");
            (key, created) = ReadOrCreate(KeyFile);
        }

        _hashes = [Hash(key)];
        LogKeyFile(logger, created ? "generated" : "kept", KeyFile, HeaderName);
    }

    /// <summary>The file the key is kept in; null when the keys come from configuration.</summary>
    public string? KeyFile { get; }

    /// <summary>The key a request presents (<c>X-Api-Key</c>, or <c>Authorization: Bearer</c>); null when none.</summary>
    public static string? Presented(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[HeaderName].ToString();
        if (header.Length > 0)
        {
            return header.Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    /// <summary>Whether <paramref name="presented"/> is one of the keys; every key is compared, in constant time.</summary>
    public bool IsValid(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var hash = Hash(presented);
        var valid = false;
        foreach (var key in _hashes)
        {
            valid |= CryptographicOperations.FixedTimeEquals(hash, key);
        }

        return valid;
    }

    /// <summary>Whether the request presents a valid key.</summary>
    public bool Authorizes(HttpRequest request) => IsValid(Presented(request));

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static (string Key, bool Created) ReadOrCreate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (var attempt = 0; ; attempt++)
        {
            if (File.Exists(path))
            {
                var existing = File.ReadAllText(path).Trim();
                if (existing.Length > 0)
                {
                    return (existing, false);
                }

                File.Delete(path);
            }

            var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            try
            {
                // Created with owner-only permissions, never widened and narrowed afterwards.
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var stream = new FileStream(path, create))
                using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
                {
                    writer.WriteLine(key);
                }

                return (key, true);
            }
            catch (IOException) when (attempt < 3 && File.Exists(path))
            {
                // Another process created it first: read theirs.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Writes need one of the {Count} API keys of Search:ApiKeys (header X-Api-Key or Authorization: Bearer)")]
    private static partial void LogConfigured(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "API key {State} in {Path} (readable by its owner only): send it as the {Header} header (or Authorization: Bearer) to change topics; set Search:ApiKeys to choose keys")]
    private static partial void LogKeyFile(ILogger logger, string state, string path, string header);
}
