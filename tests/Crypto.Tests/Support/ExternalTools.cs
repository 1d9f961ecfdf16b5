using MailFilter.Lab;

namespace MailFilter.Crypto.Tests.Support;

/// <summary>
/// The independent implementations the interop tests run: Debian's age, Debian's system Python
/// (/usr/bin/python3, never a pyenv shim) with PyNaCl and dkimpy, and npm's age-encryption. A missing
/// tool is installed here (apt-get, npm), never skipped over.
/// </summary>
internal static class ExternalTools
{
    public const string SystemPython = "/usr/bin/python3";
    public const string AgeEncryptionVersion = "0.3.1";

    private static readonly SemaphoreSlim s_installLock = new(1, 1);
    private static string? s_ageEncryptionRoot;

    public static string RepositoryRoot => Repo.Root;

    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, byte[]? stdin = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var result = await ProcessRunner.RunAsync(fileName, arguments, stdin, timeout, new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" }, workingDirectory);
        return new ProcessResult(result.ExitCode, result.StdoutBytes, result.Stderr);
    }

    /// <summary>Debian's age (1.1.1 on Debian 12).</summary>
    public static async Task<string> EnsureAgeAsync()
    {
        await EnsureAptAsync("/usr/bin/age", "age");
        return "/usr/bin/age";
    }

    /// <summary>/usr/bin/python3 able to import <paramref name="modules"/> (nacl → python3-nacl, dkim → python3-dkim).</summary>
    public static async Task<string> EnsurePythonAsync(params string[] modules)
    {
        await EnsureAptAsync(SystemPython, "python3");
        foreach (var module in modules)
        {
            var probe = await RunAsync(SystemPython, ["-c", "import " + module]);
            if (probe.ExitCode != 0)
            {
                await AptInstallAsync("python3-" + module);
            }
        }

        return SystemPython;
    }

    /// <summary>The folder holding node_modules/age-encryption, installed once into artifacts/ with npm.</summary>
    public static async Task<string> EnsureAgeEncryptionAsync()
    {
        await s_installLock.WaitAsync();
        try
        {
            if (s_ageEncryptionRoot is not null)
            {
                return s_ageEncryptionRoot;
            }

            if (!await CommandExistsAsync("node") || !await CommandExistsAsync("npm"))
            {
                await AptInstallCoreAsync("nodejs", "npm");
            }

            var root = Path.Combine(RepositoryRoot, "artifacts", "npm-age-encryption");
            var package = Path.Combine(root, "node_modules", "age-encryption", "package.json");
            if (!File.Exists(package) || !File.ReadAllText(package).Contains($"\"version\": \"{AgeEncryptionVersion}\"", StringComparison.Ordinal))
            {
                Directory.CreateDirectory(root);
                await File.WriteAllTextAsync(Path.Combine(root, "package.json"), "{ \"private\": true }\n");
                (await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--no-save", $"age-encryption@{AgeEncryptionVersion}"], workingDirectory: root, timeout: TimeSpan.FromMinutes(5)))
                    .EnsureSuccess("npm install age-encryption");
            }

            return s_ageEncryptionRoot = root;
        }
        finally
        {
            s_installLock.Release();
        }
    }

    private static async Task EnsureAptAsync(string path, string package)
    {
        if (!File.Exists(path))
        {
            await AptInstallAsync(package);
        }
    }

    private static async Task AptInstallAsync(params string[] packages)
    {
        await s_installLock.WaitAsync();
        try
        {
            await AptInstallCoreAsync(packages);
        }
        finally
        {
            s_installLock.Release();
        }
    }

    private static async Task AptInstallCoreAsync(params string[] packages)
    {
        string[] install = ["-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q", "--no-install-recommends", .. packages];
        var (command, prefix) = Environment.UserName == "root" ? ("apt-get", Array.Empty<string>()) : ("sudo", new[] { "-n", "apt-get" });
        var first = await RunAsync(command, [.. prefix, .. install], timeout: TimeSpan.FromMinutes(10));
        if (first.ExitCode == 0)
        {
            return;
        }

        // A fresh machine may have no package lists yet.
        await RunAsync(command, [.. prefix, "-o", "DPkg::Lock::Timeout=300", "update", "-q"], timeout: TimeSpan.FromMinutes(10));
        (await RunAsync(command, [.. prefix, .. install], timeout: TimeSpan.FromMinutes(10))).EnsureSuccess("apt-get install " + string.Join(' ', packages));
    }

    private static async Task<bool> CommandExistsAsync(string command) =>
        (await RunAsync("/bin/sh", ["-c", "command -v " + command])).ExitCode == 0;


}
