using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MailFilter.Bench.Package;

/// <summary>
/// Starts a daemon the way systemd's Type=notify does: a NOTIFY_SOCKET to read, the time from exec to READY=1
/// measured. The process is stopped with SIGTERM by PID.
/// </summary>
internal sealed class NotifiedStart : IAsyncDisposable
{
    private readonly Process _process;

    private NotifiedStart(Process process, TimeSpan toReady)
    {
        _process = process;
        ToReady = toReady;
    }

    public TimeSpan ToReady { get; }

    public int Pid => _process.Id;

    public static async Task<NotifiedStart> StartAsync(string executable, IEnumerable<string> args, string workDir)
    {
        var notifyPath = Path.Combine(workDir, $"notify-{Guid.NewGuid():N}.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));
        var psi = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["NOTIFY_SOCKET"] = notifyPath;
        var stopwatch = Stopwatch.StartNew();
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {executable}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            int n = await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (Encoding.UTF8.GetString(buffer, 0, n).Split('\n').Contains("READY=1"))
            {
                break;
            }
        }

        var ready = stopwatch.Elapsed;
        File.Delete(notifyPath);
        return new NotifiedStart(process, ready);
    }

    /// <summary>Resident set now (VmRSS) and its peak (VmHWM), bytes.</summary>
    public (long Rss, long Peak) Memory()
    {
        long Kb(string field) => long.Parse(File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return (Kb("VmRSS:"), Kb("VmHWM:"));
    }

    /// <summary>Resident memory by mapping (/proc/PID/smaps): the file a mapping comes from or its kind ([heap], anonymous),
    /// largest first, kilobytes: where an idle daemon's memory is.</summary>
    public IReadOnlyList<(string Mapping, long Kb)> Breakdown()
    {
        var totals = new Dictionary<string, long>();
        string current = "[anonymous]";
        foreach (var line in File.ReadLines($"/proc/{Pid}/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                current = fields.Length > 5 ? Path.GetFileName(fields[5]) is { Length: > 0 } name ? name : fields[5] : "[anonymous]";
            }
            else if (fields.Length == 3 && fields[0] == "Rss:")
            {
                totals[current] = totals.GetValueOrDefault(current) + long.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        return totals.OrderByDescending(t => t.Value).Select(t => (t.Key, t.Value)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("/bin/kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        _process.Dispose();
    }
}
