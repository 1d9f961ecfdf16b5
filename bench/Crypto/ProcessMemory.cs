namespace MailFilter.Crypto.Bench;

/// <summary>Resident memory of this process from /proc/self/status (VmRSS, and the high-water mark VmHWM).</summary>
internal static class ProcessMemory
{
    public static long CurrentBytes => Read("VmRSS:");

    public static long PeakBytes => Read("VmHWM:");

    /// <summary>Resets VmHWM to the current RSS (Linux ≥ 4.0: writing 5 to clear_refs).</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    /// <summary>Collects garbage and returns RSS: the baseline a measurement is compared with.</summary>
    public static long Baseline()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect();
        ResetPeak();
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
