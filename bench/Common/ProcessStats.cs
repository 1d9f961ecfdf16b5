using System.Globalization;

namespace MailFilter.Bench;

/// <summary>CPU time and memory of a process, from /proc (works for processes the benchmark did not start).</summary>
public static class ProcessStats
{
    private static readonly double s_ticksPerSecond = 100; // sysconf(_SC_CLK_TCK) is 100 on Linux

    /// <summary>User + system CPU time of the process, all threads.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var fields = StatFields(pid);
        long utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        long stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((utime + stime) / s_ticksPerSecond);
    }

    /// <summary>The fields of /proc/PID/stat after the command name (which may contain spaces): [0] is the state, [1] the
    /// parent's PID, [11] and [12] user and system time in clock ticks.</summary>
    public static string[] StatFields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    /// <summary>CPU time the whole machine spent busy (all CPUs, user + nice + system + irq + softirq),
    /// from /proc/stat: the cost of a workload spread over many processes (Postfix's, say).</summary>
    public static TimeSpan MachineBusyTime()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        foreach (int i in new[] { 1, 2, 3, 6, 7 })
        {
            busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
        }

        return TimeSpan.FromSeconds(busy / s_ticksPerSecond);
    }

    /// <summary>Context switches (voluntary and involuntary) of all the process's threads alive now.</summary>
    public static long ContextSwitches(int pid) => SumStatus(pid, "voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:");

    /// <summary>Involuntary context switches (preemptions) of all the process's threads alive now.</summary>
    public static long InvoluntaryContextSwitches(int pid) => SumStatus(pid, "nonvoluntary_ctxt_switches:");

    private static long SumStatus(int pid, params string[] fields)
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (fields.Any(f => line.StartsWith(f, StringComparison.Ordinal)))
                    {
                        total += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread ended while we looked.
            }
        }

        return total;
    }

    /// <summary>Peak resident set (VmHWM) in bytes.</summary>
    public static long PeakResident(int pid) => StatusKb(pid, "VmHWM:") * 1024;

    /// <summary>For measuring this process: collects garbage, resets the VmHWM high-water mark to the
    /// current RSS (Linux: writing 5 to clear_refs) and returns the RSS as the baseline.</summary>
    public static long ResetPeak()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect();
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Resident(Environment.ProcessId);
    }

    /// <summary>For measuring another process (as root or its owner): resets its VmHWM high-water mark to its current
    /// RSS and returns that RSS as the baseline.</summary>
    public static long ResetPeak(int pid)
    {
        File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        return Resident(pid);
    }

    /// <summary>Current resident set (VmRSS) in bytes.</summary>
    public static long Resident(int pid) => StatusKb(pid, "VmRSS:") * 1024;

    private static long StatusKb(int pid, string key)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
