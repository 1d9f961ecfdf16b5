namespace MailFilter.Mime.Bench;

/// <summary>Resident memory of this process from /proc/self/status (VmRSS, and the high-water mark VmHWM).</summary>
internal static class ProcessMemory
{
    public static long CurrentBytes => Read("VmRSS:");

    public static long PeakBytes => Read("VmHWM:");

    /// <summary>Collects garbage, resets VmHWM to the current RSS (Linux: writing 5 to clear_refs) and returns RSS.</summary>
    public static long Baseline()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect();
        File.WriteAllText("/proc/self/clear_refs", "5");
        return CurrentBytes;
    }

    private static long Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kb = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException(field + " not in /proc/self/status");
    }
}
