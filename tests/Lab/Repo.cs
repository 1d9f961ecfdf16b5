namespace MailFilter.Lab;

/// <summary>Paths inside the repository and its build outputs, found from the running assembly.</summary>
public static class Repo
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MailFilter.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"no MailFilter.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => s_root.Value;

    /// <summary>The shared corpus and references beside the repository (../shared).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>Debug or Release: whichever the running assembly was built as.</summary>
    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>A file in a project's build output of the same configuration, e.g. ("src/Filter", "mailfilterd.dll").</summary>
    public static string BuildOutput(string project, string file)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: build the solution first (dotnet build -c {Configuration})", path);
        }

        return path;
    }
}
