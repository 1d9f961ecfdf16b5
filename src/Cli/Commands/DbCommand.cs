using System.CommandLine;
using System.Diagnostics;

namespace MailFilter.Cli.Commands;

/// <summary>
/// <c>mailfilterctl db migrate [--config PATH] [--authd PATH] [--json]</c>: applies pending database
/// migrations. The migrations belong to mailfilter-authd (src/AuthServer/Data/Migrations), which owns the
/// database, so this runs <c>mailfilter-authd --migrate</c> with the same configuration: it works whether the
/// daemon runs or not (before a start, after an upgrade), and a running authd is not disturbed (an advisory
/// lock serializes migrations).
/// </summary>
internal static class DbCommand
{
    public static Command Create(CliContext context)
    {
        var config = new Option<string>("--config") { Description = "mailfilter.conf with the [database] section", DefaultValueFactory = _ => "/etc/mailfilter/mailfilter.conf" };
        var authd = new Option<string?>("--authd") { Description = "the mailfilter-authd binary (default: beside mailfilterctl, /usr/lib/mailfilter, then $PATH)" };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var migrate = new Command("migrate", "Apply pending database migrations (runs mailfilter-authd --migrate).") { config, authd, json };
        migrate.SetAction(async (parse, ct) =>
        {
            var configPath = parse.GetValue(config)!;
            if (!File.Exists(configPath))
            {
                context.Error.WriteLine($"db migrate: {configPath} does not exist");
                return ExitCodes.Config;
            }

            var binary = parse.GetValue(authd) ?? FindAuthd();
            if (binary is null || !File.Exists(binary))
            {
                context.Error.WriteLine($"db migrate: mailfilter-authd not found{(binary is null ? string.Empty : " at " + binary)} (give --authd PATH)");
                return ExitCodes.Unavailable;
            }

            var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in (string[])["--config", configPath, "--migrate", .. parse.GetValue(json) ? ["--json"] : Array.Empty<string>()])
            {
                psi.ArgumentList.Add(a);
            }

            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            context.Output.Write(await stdout);
            context.Error.Write((await stderr).Replace("mailfilter-authd: ", "db migrate: ", StringComparison.Ordinal));
            // authd's exit codes are sysexits too: 65 schema newer or changed, 69 database down, 78 bad config.
            return process.ExitCode;
        });
        return new Command("db", "Database administration.") { migrate };
    }

    private static string? FindAuthd()
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, "mailfilter-authd"), "/usr/lib/mailfilter/mailfilter-authd" };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "mailfilter-authd")));
        return candidates.FirstOrDefault(File.Exists);
    }
}
