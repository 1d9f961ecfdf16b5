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

    private readonly ILoggerFactory _loggerFactory;
    private readonly ReinjectionGuard _guard = new();
    private readonly IReadOnlyList<IOutboundStage>? _testStages;

    internal FilterDaemon(FilterSettings settings, ILoggerFactory loggerFactory, IEnumerable<IOutboundStage>? extraStages, MilterFeatures? features)
    {
        Settings = settings;
        _loggerFactory = loggerFactory;
        _testStages = extraStages?.ToList();
        Authd = new AuthdClient(new AuthdClientOptions { SocketPath = settings.AuthdSocket });
        Pipeline = new OutboundPipeline(CreateStages(settings), loggerFactory.CreateLogger<OutboundPipeline>(), features, Metrics);
        Listener = new MilterListener(settings.Listener, settings.Milter, Pipeline, loggerFactory.CreateLogger("MailFilter.Milter"));
        Delivery = settings.Delivery.Enabled ? new DeliveryStack(settings, loggerFactory, Authd, Metrics) : null;
        MetricsListener = settings.MetricsListen is { } metrics ? new Hosting.Metrics.MetricsListener(metrics, Metrics.Registry) : null;
    }

    /// <summary>The settings in force: those of the start, or of the last <see cref="Reload"/>.</summary>
    public FilterSettings Settings { get; private set; }

    /// <summary>mailfilter-authd's API ([filter] authd_socket): one client per process, shared by every stage.</summary>
    public AuthdClient Authd { get; }

    public OutboundPipeline Pipeline { get; }

    /// <summary>The process's metrics, served on <c>[metrics] listen</c> when set.</summary>
    public FilterMetrics Metrics { get; } = new();

    public Hosting.Metrics.MetricsListener? MetricsListener { get; }

    public MilterListener Listener { get; }

    /// <summary>The LMTP delivery agent, when <c>[delivery] listen</c> is set.</summary>
    public DeliveryStack? Delivery { get; }

    /// <summary>
    /// Applies reloaded settings (SIGHUP): the outbound stages are rebuilt from <paramref name="settings"/>
    /// (policy, hostname, trace, reinjection, key cache) and every message whose MAIL comes next uses them;
    /// connections and messages in flight are not touched. Listeners, limits and the delivery agent keep the
    /// settings they started with (<see cref="FilterConfigFile.RestartOnlyChanges"/> names them).
    /// </summary>
    public void Reload(FilterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Pipeline.ReplaceStages(CreateStages(settings));
        Settings = settings;
    }

    private List<IOutboundStage> CreateStages(FilterSettings settings)
    {
        var stages = new List<IOutboundStage>(_testStages ?? OutboundStages.Create(settings, Authd, _loggerFactory, guard: _guard, metrics: Metrics));
        if (settings.Trace)
        {
            stages.Add(new TraceStage(settings.Hostname));
        }

        return stages;
    }

    public void Start()
    {
        Listener.Start();
        Delivery?.Start();
        MetricsListener?.Start();
    }

    public Task StopAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(Listener.StopAsync(cancellationToken), Delivery?.StopAsync(cancellationToken) ?? Task.CompletedTask);

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        if (MetricsListener is not null)
        {
            await MetricsListener.DisposeAsync();
        }

        if (Delivery is not null)
        {
            await Delivery.DisposeAsync();
        }

        Authd.Dispose();
    }
}
