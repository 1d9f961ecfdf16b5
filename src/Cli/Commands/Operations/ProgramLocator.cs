using System.Diagnostics;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>Finds and runs the daemons' binaries: mailfilterctl asks them to check their own settings and
/// schema (apps never reference each other; the daemons are the authority on what they accept).</summary>
internal static class ProgramLocator
{
    /// <summary>Beside mailfilterctl (a build output, or /usr/lib/mailfilter/PROGRAM/), the package's directory, then $PATH.</summary>
    public static string? Find(string program)
    {
        var candidates = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, program),
            Path.Combine(AppContext.BaseDirectory, "..", program, program),
            $"/usr/lib/mailfilter/{program}/{program}",
        };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, program)));
        return candidates.FirstOrDefault(File.Exists);
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs <paramref name="executable"/>; with <paramref name="asUser"/> (and when root) as that user through
    /// runuser(1), as for PostgreSQL peer authentication.</summary>
    public static async Task<Result> RunAsync(string executable, IEnumerable<string> args, string? asUser = null, CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo(asUser is null ? executable : "/usr/sbin/runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUser is not null)
        {
            foreach (var a in (string[])["-u", asUser, "--", executable])
            {
                psi.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {executable}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
