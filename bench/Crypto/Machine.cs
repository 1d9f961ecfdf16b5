namespace MailFilter.Crypto.Bench;

/// <summary>What the numbers were measured on.</summary>
internal static class Machine
{
    /// <summary>The 1-minute load average: other work on the machine slows the numbers down.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public static string Describe()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? string.Empty;
        var features = new[] { "sha_ni", "avx2", "avx512f" }.Where(f => flags.Split(' ').Contains(f));
        var memory = File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim();
        var os = File.Exists("/etc/debian_version") ? "Debian " + File.ReadAllText("/etc/debian_version").Trim() : Environment.OSVersion.ToString();
        return $"{cpu} ({string.Join(", ", features)}), {Environment.ProcessorCount} CPUs, {memory} RAM, {os}, .NET {Environment.Version}, libsodium {CryptoLibrary.LibsodiumVersion}";
    }
}
