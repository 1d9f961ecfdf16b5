namespace MailFilter.Bench;

/// <summary>What the numbers were measured on.</summary>
public static class Machine
{
    /// <summary>The 1-minute load average: other work on the machine slows the numbers down.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public static string Describe()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim();
        var os = File.Exists("/etc/debian_version") ? "Debian " + File.ReadAllText("/etc/debian_version").Trim() : Environment.OSVersion.ToString();
        return $"{cpu}, {Environment.ProcessorCount} vCPU, {memory} RAM, {os}, .NET {Environment.Version}";
    }

    /// <summary>"Measured on ... on YYYY-MM-DD (load ...)" for the top of a report block.</summary>
    public static string Stamp() => $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Describe()}; load average before the run {LoadAverage()}.";
}
