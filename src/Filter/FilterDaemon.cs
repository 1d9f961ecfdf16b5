using MailFilter.AuthClient;
using MailFilter.Filter.Configuration;
using MailFilter.Filter.Delivery;
using MailFilter.Filter.Milter;
using MailFilter.Filter.Milter.Stages;
using MailFilter.Milter;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter;

/// <summary>
/// mailfilterd assembled from settings: the outbound pipeline and the milter listener. Program.cs only
/// wires this into the host; tests build it directly with their own stages (which then replace the outbound
/// stages of docs/pipeline.md).
/// </summary>
public sealed class FilterDaemon : IAsyncDisposable
{
    public FilterDaemon(FilterSettings settings, ILoggerFactory loggerFactory, IEnumerable<IOutboundStage>? extraStages = null)
        : this(settings, loggerFactory, extraStages, null)
    {
    }

    internal FilterDaemon(FilterSettings settings, ILoggerFactory loggerFactory, IEnumerable<IOutboundStage>? extraStages, MilterFeatures? features)
    {
        Settings = settings;
        Authd = new AuthdClient(new AuthdClientOptions { SocketPath = settings.AuthdSocket });
        var stages = new List<IOutboundStage>(extraStages ?? OutboundStages.Create(settings, Authd, loggerFactory));
        if (settings.Trace)
        {
            stages.Add(new TraceStage(settings.Hostname));
        }

        Pipeline = new OutboundPipeline(stages, loggerFactory.CreateLogger<OutboundPipeline>(), features);
        Listener = new MilterListener(settings.Listener, settings.Milter, Pipeline, loggerFactory.CreateLogger("MailFilter.Milter"));
        Delivery = settings.Delivery.Enabled ? new DeliveryStack(settings, loggerFactory, Authd) : null;
    }

    public FilterSettings Settings { get; }

    /// <summary>mailfilter-authd's API ([filter] authd_socket): one client per process, shared by every stage.</summary>
    public AuthdClient Authd { get; }

    public OutboundPipeline Pipeline { get; }

    public MilterListener Listener { get; }

    /// <summary>The LMTP delivery agent, when <c>[delivery] listen</c> is set.</summary>
    public DeliveryStack? Delivery { get; }

    public void Start()
    {
        Listener.Start();
        Delivery?.Start();
    }

    public Task StopAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(Listener.StopAsync(cancellationToken), Delivery?.StopAsync(cancellationToken) ?? Task.CompletedTask);

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        if (Delivery is not null)
        {
            await Delivery.DisposeAsync();
        }

        Authd.Dispose();
    }
}
