namespace Search.Core.Tests.Support;

/// <summary>
/// A test that reads <c>../shared</c> (the seed liaison, the published ITU texts): skipped, with the
/// reason shown by the runner, when that folder is absent, as on a user's fresh clone. CI has it.
/// </summary>
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute(string folder = "")
    {
        if (SharedFolder.MissingReason(folder) is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>The theory form of <see cref="SharedFactAttribute"/>.</summary>
public sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute(string folder = "")
    {
        if (SharedFolder.MissingReason(folder) is { } reason)
        {
            Skip = reason;
        }
    }
}

internal static class SharedFolder
{
    public static string? MissingReason(string folder)
    {
        var path = Path.Combine(RepoPaths.Shared, folder);
        return Directory.Exists(path)
            ? null
            : $"needs the shared folder beside the repository ({path}), absent here as on a fresh clone; CI has it";
    }
}
