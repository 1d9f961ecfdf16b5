using MailFilter.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter;

/// <summary>Runs the daemon inside the generic host: start listening, tell systemd we are ready; on
/// SIGTERM stop accepting, finish messages in flight, tell systemd we are stopping.</summary>
internal sealed class FilterService : IHostedService
{
    private readonly FilterDaemon _daemon;
    private readonly SdNotify _notify;
    private readonly ILogger _logger;

    public FilterService(FilterDaemon daemon, SdNotify notify, ILogger<FilterService> logger)
    {
        _daemon = daemon;
        _notify = notify;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _daemon.Start();
        string endpoints = string.Join(" ", _daemon.Listener.BoundEndpoints.Select(e => e.Spec));
        Log.Started(_logger, ThisAssembly.Version, endpoints, string.Join(",", _daemon.Pipeline.Stages.Select(s => s.Name)));
        string lmtp = _daemon.Delivery is { } delivery ? "; LMTP on " + string.Join(" ", delivery.Listener.BoundEndpoints.Select(e => e.Spec)) : string.Empty;
        _notify.Ready($"milter on {endpoints}{lmtp}");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Stopping(_logger);
        _notify.Stopping("finishing messages in flight");
        await _daemon.StopAsync(cancellationToken);
        Log.Stopped(_logger);
    }
}
