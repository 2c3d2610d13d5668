namespace Idp.UnitTests.Localization;

/// <summary>Files of the repository, found from the test assembly's location (the folder holding <c>Idp.sln</c>).</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Idp.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No Idp.sln above {AppContext.BaseDirectory}.");
    }
}
