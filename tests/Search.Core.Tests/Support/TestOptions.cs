using Microsoft.Extensions.Options;

namespace Search.Core.Tests.Support;

internal static class TestOptions
{
    public static IOptions<SearchOptions> Create(Action<SearchOptions>? configure = null)
    {
        var options = new SearchOptions();
        configure?.Invoke(options);
        return Options.Create(options);
    }
}
