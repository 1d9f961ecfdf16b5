using System.Globalization;
using System.Net;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Discovery;
using MailFilter.AuthServer.Endpoints;
using MailFilter.AuthServer.Keys;
using MailFilter.AuthServer.Registry;
using MailFilter.AuthServer.Web;
using MailFilter.Crypto;
using MailFilter.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer;

/// <summary>
/// mailfilter-authd assembled from settings: checks (libsodium, master key, schema, master-key check value),
/// then Kestrel with the unix-socket API and the public listener. Program.cs only wires this; tests start it
/// in-process with their own settings.
/// </summary>
public sealed class AuthServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Database _database;
    private readonly MasterKey _masterKey;
    private readonly AuthSettings _settings;
    private readonly ILoggerFactory _connectionLogging;
    private readonly LiveState _state;

    private AuthServerHost(WebApplication app, Database database, MasterKey masterKey, AuthSettings settings, KeyService keys, ILoggerFactory connectionLogging, LiveState state)
    {
        _app = app;
        _connectionLogging = connectionLogging;
        _database = database;
        _masterKey = masterKey;
        _settings = settings;
        _state = state;
        Keys = keys;
    }

    /// <summary>The settings in force: those started with, or those of the last <see cref="Reload"/>.</summary>
    public AuthSettings Settings => _state.Live.Current;

    public static string Version => typeof(AuthServerHost).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public KeyService Keys { get; }

    /// <summary>The counters and histograms served on <c>[metrics] authd_listen</c>.</summary>
    public AuthdMetrics Metrics { get; private init; } = null!;

    private Hosting.Metrics.MetricsListener? _metricsListener;

    public ILogger Logger => _app.Logger;

    /// <summary>Runs the start-up checks and starts listening. Throws <see cref="MasterKeyException"/>, <see cref="MigrationException"/>, Npgsql's exceptions or <see cref="IOException"/>.</summary>
    public static async Task<AuthServerHost> StartAsync(AuthSettings settings, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        CryptoLibrary.EnsureInitialized();
        var masterKey = MasterKey.Load(settings.MasterKeyPath);
        var database = new Database(settings.Database);
        // Start-up and connection-level lines are logged before the application's own logger exists
        // (Kestrel's connection middleware is configured before the app is built).
        var connectionLogging = LoggerFactory.Create(b => (logging ?? (l => l.AddMailFilterJournal(settings.LogLevel)))(b));
        try
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
            if (logging is null)
            {
                builder.Logging.AddMailFilterJournal(settings.LogLevel);
            }
            else
            {
                logging(builder.Logging);
            }

            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
            builder.Services.AddRoutingCore();
            var earlyLogger = connectionLogging.CreateLogger("MailFilter.AuthServer");

            var migrations = new MigrationRunner(database);
            int schema;
            if (settings.Database.MigrateOnStart)
            {
                var result = await migrations.MigrateAsync(cancellationToken);
                foreach (var m in result.Applied)
                {
                    Log.MigrationApplied(earlyLogger, m.Version, m.Name);
                }

                schema = result.VersionAfter;
            }
            else if ((await migrations.PendingAsync(cancellationToken)) is { Count: > 0 } pending)
            {
                schema = await migrations.CurrentVersionAsync(cancellationToken);
                throw new MigrationException($"the database schema is at version {schema} and lacks {string.Join(", ", pending.Select(m => m.Version.ToString("D4", CultureInfo.InvariantCulture) + "_" + m.Name))}, which this mailfilter-authd needs: run mailfilterctl db migrate");
            }
            else
            {
                schema = await migrations.CurrentVersionAsync(cancellationToken);
            }

            if (!await MasterKeyCheck.VerifyOrStoreAsync(database, masterKey.CheckValue, cancellationToken))
            {
                throw new MasterKeyException(
                    $"master key {settings.MasterKeyPath} (fingerprint {masterKey.Fingerprint}) is not the key the private keys in database {settings.Database} were sealed with: refusing to start; restore the right master key file");
            }

            SocketFile.Prepare(settings.SocketPath);
            var state = new LiveState(new LiveSettings(settings), new AccessPolicy(settings.Access, AccessPolicy.CurrentUid()),
                new ClientRateLimiter(settings.Registry.QueryRate, settings.Registry.QueryBurst));
            var live = state.Live;
            builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
            {
                o.AddServerHeader = false;
                o.Limits.MaxRequestBodySize = 1024 * 1024;
                o.ListenUnixSocket(settings.SocketPath, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listen.Use(PeerConnection.Middleware(() => state.Access, earlyLogger));
                });
                foreach (var endpoint in settings.PublicListen)
                {
                    int colon = endpoint.LastIndexOf(':');
                    var host = endpoint[..colon].Trim('[', ']');
                    int port = int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                    if (host == "localhost")
                    {
                        o.ListenLocalhost(port);
                    }
                    else
                    {
                        o.Listen(IPAddress.Parse(host), port);
                    }
                }
            });

            var app = builder.Build();
            var repository = new KeyRepository(database);
            var keys = new KeyService(repository, new KeySealer(masterKey), live, app.Services.GetRequiredService<ILogger<KeyService>>());
            var remote = new RemoteKeyService(live, new PinRepository(database), new PeerClient(settings.Discovery.Timeout),
                app.Services.GetRequiredService<ILogger<RemoteKeyService>>());
            app.Lifetime.ApplicationStopped.Register(remote.Dispose);
            var registryPeers = new RegistryPeerClient(settings.Discovery.Timeout);
            app.Lifetime.ApplicationStopped.Register(registryPeers.Dispose);
            var registryLogger = app.Services.GetRequiredService<ILogger<RegistryService>>();
            var registry = new RegistryService(new RegistryRepository(database), live, registryPeers, registryLogger);
            var addresses = new AddressRegistrationService(new AddressRegistrationRepository(database), live, registryLogger);
            var maintenance = new RegistryMaintenance(registry, addresses, settings.Registry, registryLogger);
            var apiLogger = app.Logger;
            var metrics = new AuthdMetrics();
            app.Use(metrics.Middleware);
            app.Use((context, next) => Api.HandleErrorsAsync(context, next, apiLogger));
            app.Use((context, next) =>
            {
                // The public listener serves discovery, the registry and health only; everything else lives on the socket.
                if (PeerConnection.Get(context) is null)
                {
                    if (!IsPublicPath(context.Request.Path))
                    {
                        throw ApiException.NotFound("not-found", "no such resource on this listener");
                    }

                    // docs/registry.md §4.3: a token bucket per client over the public registry paths.
                    if (IsRegistryPath(context.Request.Path) && context.Connection.RemoteIpAddress is { } client && !state.Limiter.TryAcquire(client, out int retryAfter))
                    {
                        Log.RateLimited(apiLogger, client.ToString(), context.Request.Path);
                        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                        throw new ApiException(429, "rate-limited", $"too many requests from {client}: try again in {retryAfter} s");
                    }
                }

                return next(context);
            });
            StatusEndpoints.Map(app, keys, repository, migrations, live, DateTimeOffset.UtcNow);
            KeyEndpoints.Map(app, keys, remote);
            PrivateKeyEndpoints.Map(app, keys);
            AdminKeyEndpoints.Map(app, keys, repository);
            BackupEndpoints.Map(app, keys);
            PinEndpoints.Map(app, remote);
            DiscoveryEndpoints.Map(app, keys, database);
            RegistryEndpoints.Map(app, registry);
            AddressEndpoints.Map(app, addresses);
            RegistryPages.Map(app, registry, addresses, keys);
            app.Lifetime.ApplicationStarted.Register(maintenance.Start);
            app.Lifetime.ApplicationStopping.Register(() => maintenance.DisposeAsync().AsTask().GetAwaiter().GetResult());
            var whitelists = new Whitelist.WhitelistService(new UserRepository(database), new WhitelistRepository(database), TimeProvider.System,
                app.Services.GetRequiredService<ILogger<Whitelist.WhitelistService>>());
            UserEndpoints.Map(app, whitelists);
            WhitelistEndpoints.Map(app, whitelists, apiLogger);
            WhitelistEndpoints.MapLearning(app, whitelists);
            Web.WhitelistPage.Map(app, apiLogger);
            var conflicts = new Conflicts.ConflictService(new ConflictRepository(database), live, app.Services.GetRequiredService<ILogger<Conflicts.ConflictService>>(), metrics);
            ConflictEndpoints.Map(app, conflicts);
            var conflictMaintenance = new Conflicts.ConflictMaintenance(conflicts, apiLogger);
            app.Lifetime.ApplicationStarted.Register(conflictMaintenance.Start);
            app.Lifetime.ApplicationStopping.Register(() => conflictMaintenance.DisposeAsync().AsTask().GetAwaiter().GetResult());
            var attachmentRepository = new Data.AttachmentRepository(database);
            var attachmentLogger = app.Services.GetRequiredService<ILogger<Attachments.AttachmentService>>();
            var attachments = new Attachments.AttachmentService(
                new Attachments.AttachmentStore(Attachments.AttachmentStore.CreateBackend(settings.Attachments), new Attachments.AttachmentCipher(masterKey), attachmentRepository,
                    settings.Attachments.Quota),
                attachmentRepository, live, metrics, attachmentLogger);
            AttachmentEndpoints.Map(app, attachments);
            Web.DownloadPages.Map(app, attachments, new Attachments.MailboxProof(attachmentRepository, live, attachmentLogger), metrics, attachmentLogger);
            app.Lifetime.ApplicationStarted.Register(attachments.Start);
            app.Lifetime.ApplicationStopped.Register(() => attachments.DisposeAsync().AsTask().GetAwaiter().GetResult());

            await app.StartAsync(cancellationToken);
            SocketFile.Apply(settings.SocketPath, settings.SocketMode, settings.SocketGid);
            Log.Started(app.Logger, Version, settings.SocketPath, settings.PublicListen.Count == 0 ? "none" : string.Join(",", settings.PublicListen), schema,
                masterKey.Fingerprint, settings.LocalDomains.Count == 0 ? "none" : string.Join(",", settings.LocalDomains.Order(StringComparer.Ordinal)));
            if (settings.Discovery.Peers.Count > 0)
            {
                var d = settings.Discovery;
                Log.DiscoveryPeers(app.Logger, d.Peers.Count, string.Join(",", d.Peers.Select(p => $"{p.Key}={p.Value.GetLeftPart(UriPartial.Authority)}").Order(StringComparer.Ordinal)),
                    d.CacheTtl.ToString("c", CultureInfo.InvariantCulture), d.MaxStale.ToString("c", CultureInfo.InvariantCulture), d.Timeout.ToString("c", CultureInfo.InvariantCulture));
            }

            var host = new AuthServerHost(app, database, masterKey, settings, keys, connectionLogging, state) { Metrics = metrics };
            if (settings.MetricsListen is { } metricsEndpoint)
            {
                host._metricsListener = new Hosting.Metrics.MetricsListener(metricsEndpoint, metrics.Registry);
                host._metricsListener.Start();
            }

            return host;
        }
        catch
        {
            connectionLogging.Dispose();
            await database.DisposeAsync();
            masterKey.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Puts reloaded settings (SIGHUP) in force: the next request, observation, mail and connection uses them; requests in
    /// flight finish under the ones they began with and no connection is dropped. The public rate limit starts afresh
    /// when its rate or burst changed. What is built at start stays until a restart (<see cref="LiveSettings.RestartOnly"/>).
    /// </summary>
    public void Reload(AuthSettings next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var running = _state.Live.Current;
        _state.Access = new AccessPolicy(next.Access, AccessPolicy.CurrentUid());
        if (next.Registry.QueryRate != running.Registry.QueryRate || next.Registry.QueryBurst != running.Registry.QueryBurst)
        {
            _state.Limiter = new ClientRateLimiter(next.Registry.QueryRate, next.Registry.QueryBurst);
        }

        _state.Live.Replace(next);
    }

    /// <summary>Completes when SIGTERM or SIGINT asks the process to stop.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async Task StopAsync()
    {
        Log.Stopping(_app.Logger);
        await _app.StopAsync();
        try
        {
            File.Delete(_settings.SocketPath);
        }
        catch (IOException)
        {
        }

        Log.Stopped(_app.Logger);
    }

    public async ValueTask DisposeAsync()
    {
        if (_metricsListener is not null)
        {
            await _metricsListener.DisposeAsync();
        }

        await _app.DisposeAsync();
        await _database.DisposeAsync();
        _masterKey.Dispose();
        _connectionLogging.Dispose();
    }

    private static bool IsPublicPath(PathString path) =>
        path == "/health" || path.StartsWithSegments("/.well-known/mailfilter", StringComparison.Ordinal) || path.StartsWithSegments(RegistryPages.Prefix, StringComparison.Ordinal)
            || WhitelistEndpoints.IsPublic(path) || path.StartsWithSegments(AuthClient.Protocol.AttachmentRoutes.Download, StringComparison.Ordinal);

    private static bool IsRegistryPath(PathString path) =>
        path.StartsWithSegments(RegistryPages.Prefix, StringComparison.Ordinal) || path.StartsWithSegments("/.well-known/mailfilter/v1/registry", StringComparison.Ordinal);

    // What a reload replaces, read by the listener's middleware on each connection and request.
    private sealed class LiveState(LiveSettings live, AccessPolicy access, ClientRateLimiter limiter)
    {
        private AccessPolicy _access = access;
        private ClientRateLimiter _limiter = limiter;

        public LiveSettings Live { get; } = live;

        public AccessPolicy Access { get => Volatile.Read(ref _access); set => Volatile.Write(ref _access, value); }

        public ClientRateLimiter Limiter { get => Volatile.Read(ref _limiter); set => Volatile.Write(ref _limiter, value); }
    }
}
