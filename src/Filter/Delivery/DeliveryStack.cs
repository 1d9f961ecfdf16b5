using MailFilter.AuthClient;
using MailFilter.Crypto.Envelope;
using MailFilter.Filter.Configuration;
using MailFilter.Filter.Delivery.Lmtp;
using MailFilter.Messages;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// The delivery agent assembled from <c>[delivery]</c>: the inbound verifier over mailfilter-authd, the store
/// (Dovecot or Maildir), the agent and its LMTP listener. <see cref="FilterDaemon"/> starts and stops it beside the
/// milter listener. Which domains are ours comes from <c>[policy] local_domains</c>, the list the outbound side uses.
/// </summary>
public sealed class DeliveryStack : IAsyncDisposable
{
    private readonly ILogger _logger;

    /// <param name="authd">The process's mailfilter-authd client (<c>[filter] authd_socket</c>), shared with the milter stages.</param>
    public DeliveryStack(FilterSettings settings, ILoggerFactory loggerFactory, AuthdClient authd, FilterMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(authd);
        var d = settings.Delivery;

        var logger = loggerFactory.CreateLogger("MailFilter.Delivery");
        var senderKeys = new CachingSigningKeyResolver(new AuthdSigningKeyResolver(authd), settings.KeyCacheTtl, TimeProvider.System);
        var verifier = new InboundVerifier(senderKeys, new InboundOptions
        {
            LocalDomains = settings.Policy.LocalDomains,
            Envelope = new EnvelopeOpenOptions { MaxContentLength = d.MaxMessageSize },
            Spool = new SpoolOptions(d.SpoolMemoryThreshold, d.SpoolDirectory),
        });
        Store = d.DovecotLmtp is { } dovecot
            ? new DovecotLmtpStore(dovecot, settings.Hostname, d.DovecotTimeout, d.SpoolDirectory)
            : new MaildirStore(d.Maildir, d.MaildirOwner is { } owner && DeliverySettings.TryResolveOwner(owner, out var ids, out _) ? ids : null, settings.Hostname);
        Agent = new DeliveryAgent(verifier, address => new AuthdFileKeyUnwrapper(authd, address), Store, new ReplayCache(d.ReplayCache), d.AuthservId, logger, metrics)
        {
            Registry = new RegistryCheck(authd, d.RegistryFailure, d.QuarantineFolder),
            Conflicts = new ConflictCheck(authd, logger),
            Learning = WhitelistLearning.Enabled(settings.Policy) ? new WhitelistLearning(authd, settings.Policy, logger) : null,
        };
        Listener = new LmtpListener(new LmtpServerOptions
        {
            Endpoints = d.Listen,
            UnixSocketMode = d.SocketMode,
            UnixSocketGroup = d.SocketGroup,
            Session = new LmtpSessionOptions
            {
                Hostname = settings.Hostname,
                MaxMessageSize = d.MaxMessageSize,
                MaxRecipients = d.MaxRecipients,
                MaxLineLength = d.MaxLineLength,
            },
            SpoolMemoryThreshold = d.SpoolMemoryThreshold,
            SpoolDirectory = d.SpoolDirectory,
            ReadTimeout = d.ReadTimeout,
            MaxConnections = d.MaxConnections,
            ShutdownTimeout = d.ShutdownTimeout,
        }, Agent, logger);
        AuthservId = d.AuthservId;
        _logger = logger;
    }

    public IMailStore Store { get; }

    public DeliveryAgent Agent { get; }

    public LmtpListener Listener { get; }

    public string AuthservId { get; }

    public void Start()
    {
        Listener.Start();
        Log.DeliveryStarted(_logger, string.Join(" ", Listener.BoundEndpoints.Select(e => e.Spec)), Store.Name, AuthservId);
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => Listener.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => Listener.DisposeAsync();
}
