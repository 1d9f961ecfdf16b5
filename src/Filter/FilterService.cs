using System.Runtime.InteropServices;
using MailFilter.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter;

/// <summary>Runs the daemon inside the generic host: start listening, tell systemd we are ready and keep its
/// watchdog fed; SIGHUP rereads the settings (<see cref="ConfigReloader"/>); on SIGTERM stop accepting, finish
/// messages in flight, tell systemd we are stopping.</summary>
internal sealed class FilterService : IHostedService, IDisposable
{
    private readonly FilterDaemon _daemon;
    private readonly SdNotify _notify;
    private readonly ConfigReloader _reloader;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private PosixSignalRegistration? _hangup;
    private Task _watchdog = Task.CompletedTask;

    public FilterService(FilterDaemon daemon, SdNotify notify, ConfigReloader reloader, ILogger<FilterService> logger)
    {
        _daemon = daemon;
        _notify = notify;
        _reloader = reloader;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _daemon.Start();
        string endpoints = string.Join(" ", _daemon.Listener.BoundEndpoints.Select(e => e.Spec));
        Log.Started(_logger, ThisAssembly.Version, endpoints, string.Join(",", _daemon.Pipeline.Stages.Select(s => s.Name)));
        string lmtp = _daemon.Delivery is { } delivery ? "; LMTP on " + string.Join(" ", delivery.Listener.BoundEndpoints.Select(e => e.Spec)) : string.Empty;
        _hangup = Hangup.Handle(() => _reloader.Reload());
        _notify.Ready($"milter on {endpoints}{lmtp}");
        _watchdog = _notify.RunWatchdogAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Stopping(_logger);
        _notify.Stopping("finishing messages in flight");
        _hangup?.Dispose();
        await _daemon.StopAsync(cancellationToken);
        await _stopping.CancelAsync();
        await _watchdog;
        Log.Stopped(_logger);
    }

    public void Dispose()
    {
        _hangup?.Dispose();
        _stopping.Dispose();
    }
}
