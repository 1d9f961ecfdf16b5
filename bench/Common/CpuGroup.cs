using System.Globalization;

namespace MailFilter.Bench;

/// <summary>
/// A control group the benchmark puts whole process trees into (a Postfix instance: its master and every process the
/// master forks later; a load tool) to read the CPU time the tree spent, including processes that came and went
/// during the run. cgroup v1's cpuacct hierarchy where it is mounted, else cgroup v2's cpu.stat. Needs root. On
/// dispose the remaining members go back to the root group and the group is removed.
/// </summary>
public sealed class CpuGroup : IDisposable
{
    private readonly string _root;
    private readonly bool _v1;

    private CpuGroup(string root, string path, bool v1)
    {
        _root = root;
        Path = path;
        _v1 = v1;
    }

    /// <summary>The group's directory.</summary>
    public string Path { get; }

    /// <summary>The file a process writes its PID to in order to join (<c>echo $$ &gt; ProcsFile</c> before an exec).</summary>
    public string ProcsFile => System.IO.Path.Combine(Path, "cgroup.procs");

    /// <summary>A new group, or null (with the reason in <paramref name="why"/>) where control groups cannot be made.</summary>
    public static CpuGroup? TryCreate(string name, out string why)
    {
        (string Root, bool V1)[] candidates = [("/sys/fs/cgroup/cpuacct", true), ("/sys/fs/cgroup", false)];
        foreach (var (root, v1) in candidates)
        {
            if (!File.Exists(System.IO.Path.Combine(root, v1 ? "cpuacct.usage" : "cgroup.controllers")))
            {
                continue;
            }

            string path = System.IO.Path.Combine(root, $"{name}-{Environment.ProcessId}");
            try
            {
                Directory.CreateDirectory(path);
                why = string.Empty;
                return new CpuGroup(root, path, v1);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                why = $"cannot create {path}: {e.Message}";
                return null;
            }
        }

        why = "no cgroup cpuacct (v1) or cgroup2 hierarchy under /sys/fs/cgroup";
        return null;
    }

    /// <summary>Moves <paramref name="pid"/> and all its current descendants into the group; processes they fork
    /// later are born in it.</summary>
    public void AddTree(int pid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(System.IO.Path.GetFileName(dir), out int p) && ParentOf(p) is int parent)
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(p);
            }
        }

        var todo = new Stack<int>([pid]);
        while (todo.TryPop(out int p))
        {
            Join(p);
            foreach (int c in children.GetValueOrDefault(p) ?? [])
            {
                todo.Push(c);
            }
        }
    }

    /// <summary>CPU time (user + system) every process in the group has spent while in it.</summary>
    public TimeSpan Usage
    {
        get
        {
            if (_v1)
            {
                return TimeSpan.FromTicks(long.Parse(File.ReadAllText(System.IO.Path.Combine(Path, "cpuacct.usage")).Trim(), CultureInfo.InvariantCulture) / 100);
            }

            var line = File.ReadLines(System.IO.Path.Combine(Path, "cpu.stat")).First(l => l.StartsWith("usage_usec ", StringComparison.Ordinal));
            return TimeSpan.FromMicroseconds(long.Parse(line["usage_usec ".Length..], CultureInfo.InvariantCulture));
        }
    }

    public void Dispose()
    {
        try
        {
            foreach (var line in File.ReadAllLines(ProcsFile))
            {
                try
                {
                    File.WriteAllText(System.IO.Path.Combine(_root, "cgroup.procs"), line.Trim());
                }
                catch (IOException)
                {
                    // exited meanwhile
                }
            }

            Directory.Delete(Path);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"warning: control group {Path} not removed: {e.Message}");
        }
    }

    private void Join(int pid)
    {
        try
        {
            File.WriteAllText(ProcsFile, pid.ToString(CultureInfo.InvariantCulture));
        }
        catch (IOException) when (!Directory.Exists($"/proc/{pid}"))
        {
            // exited meanwhile
        }
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            return int.Parse(ProcessStats.StatFields(pid)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
