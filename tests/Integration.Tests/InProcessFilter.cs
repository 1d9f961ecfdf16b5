using MailFilter.Filter;
using MailFilter.Filter.Configuration;
using MailFilter.Milter;
using Microsoft.Extensions.Logging;

namespace MailFilter.Integration.Tests;

/// <summary>mailfilterd's pipeline and listener built in the test process (as Program.cs would wire
/// them) with the script stage in front of the built-in trace stage, on a unix socket or loopback TCP.</summary>
public sealed class InProcessFilter : IAsyncDisposable
{
    private readonly string _dir;

    private InProcessFilter(FilterDaemon daemon, string dir, TestLog log)
    {
        Daemon = daemon;
        _dir = dir;
        Log = log;
    }

    public FilterDaemon Daemon { get; }

    public TestLog Log { get; }

    public MilterEndpoint Endpoint => Daemon.Listener.BoundEndpoints[0];

    public static InProcessFilter Start(bool tcp = false, bool trace = true, MilterFeatures? features = null)
    {
        var dir = Directory.CreateTempSubdirectory("mailfilterd-").FullName;
        // Postfix's cleanup (user postfix) connects to the unix socket: let it in.
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        var endpoint = tcp ? "inet:127.0.0.1:0" : "unix:" + Path.Combine(dir, "milter.sock");
        var settings = new FilterSettings
        {
            Listener = new MilterListenerOptions
            {
                Endpoints = [MilterEndpoint.Parse(endpoint)],
                UnixSocketMode = (UnixFileMode)Convert.ToInt32("666", 8),
            },
            Milter = new MilterOptions { SpoolDirectory = dir },
            Hostname = "mx.example.test",
            Trace = trace,
        };
        var log = new TestLog();
        var daemon = new FilterDaemon(settings, log.Factory, [new ScriptStage()], features);
        daemon.Start();
        return new InProcessFilter(daemon, dir, log);
    }

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        Directory.Delete(_dir, true);
    }
}
