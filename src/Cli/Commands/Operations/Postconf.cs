namespace MailFilter.Cli.Commands.Operations;

/// <summary>postconf(1) for one Postfix configuration directory (<c>-c DIR</c>, or Postfix's default).</summary>
internal sealed class Postconf(string? configDirectory)
{
    public const string Binary = "/usr/sbin/postconf";

    public string? ConfigDirectory { get; } = configDirectory;

    public string Describe => ConfigDirectory is null ? "main.cf" : Path.Combine(ConfigDirectory, "main.cf");

    private string[] Base => ConfigDirectory is null ? [] : ["-c", ConfigDirectory];

    /// <summary>The values of <paramref name="names"/> (defaults included). Throws <see cref="PostfixException"/>
    /// when postconf is missing or fails.</summary>
    public async Task<Dictionary<string, string>> GetAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var result = await RunAsync([.. Base, .. names], cancellationToken);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = line.IndexOf(" =", StringComparison.Ordinal);
            if (equals > 0)
            {
                values[line[..equals]] = line[(equals + 2)..].Trim();
            }
        }

        return values;
    }

    /// <summary>The names main.cf sets explicitly (postconf -n).</summary>
    public async Task<HashSet<string>> ExplicitNamesAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync([.. Base, "-n"], cancellationToken);
        return [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(" =", 2)[0])];
    }

    /// <summary>A master.cf field, e.g. <c>smtp/inet/chroot</c>; null when there is no such service.</summary>
    public async Task<string?> GetServiceFieldAsync(string field, CancellationToken cancellationToken)
    {
        var result = await ProgramLocator.RunAsync(Binary, [.. Base, "-F", field], cancellationToken: cancellationToken);
        var line = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return result.ExitCode == 0 && line is not null && line.IndexOf(" = ", StringComparison.Ordinal) is int i and > 0 ? line[(i + 3)..].Trim() : null;
    }

    /// <summary>True when smtpd (the smtp/inet service) runs chrooted (master.cf chroot column y; "-" is n since Postfix 3.0).</summary>
    public async Task<bool> SmtpdChrootedAsync(CancellationToken cancellationToken) =>
        await GetServiceFieldAsync("smtp/inet/chroot", cancellationToken) is "y";

    /// <summary>postconf -e for each "name = value".</summary>
    public Task SetAsync(IEnumerable<string> settings, CancellationToken cancellationToken) =>
        RunAsync([.. Base, "-e", .. settings], cancellationToken);

    /// <summary>postfix reload, when the instance runs (postfix status); returns whether it reloaded.</summary>
    public async Task<bool> ReloadIfRunningAsync(CancellationToken cancellationToken)
    {
        var status = await ProgramLocator.RunAsync("/usr/sbin/postfix", [.. Base, "status"], cancellationToken: cancellationToken);
        if (status.ExitCode != 0)
        {
            return false;
        }

        var reload = await ProgramLocator.RunAsync("/usr/sbin/postfix", [.. Base, "reload"], cancellationToken: cancellationToken);
        return reload.ExitCode == 0;
    }

    private static async Task<ProgramLocator.Result> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (!File.Exists(Binary))
        {
            throw new PostfixException($"{Binary} not found: is Postfix installed?");
        }

        var result = await ProgramLocator.RunAsync(Binary, args, cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new PostfixException($"postconf {string.Join(' ', args)}: {result.Stderr.Trim()}");
        }

        return result;
    }
}

/// <summary>Postfix could not be asked or changed; the message says why.</summary>
internal sealed class PostfixException(string message) : Exception(message);
