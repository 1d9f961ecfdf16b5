using System.Globalization;
using MailFilter.AuthClient;
using MailFilter.Lab;

namespace MailFilter.Delivery.Tests;

/// <summary>
/// The inbound mail path on loopback, started once for the test class: PostgreSQL, mailfilter-authd (local domain
/// example.test), Dovecot (users bob and carol; dave is unknown to it), mailfilterd with its LMTP listener handing
/// mail to Dovecot, and Postfix whose transport for every address is that listener.
/// </summary>
public sealed class MailSystem : IAsyncLifetime
{
    public const string AuthservId = "mx.example.test";
    public const string Password = "secret";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("mailfilter-delivery-").FullName;

    public PostgresInstance Postgres { get; private set; } = null!;

    public DovecotInstance Dovecot { get; private set; } = null!;

    public DaemonProcess Mailfilterd { get; private set; } = null!;

    public PostfixInstance Postfix { get; private set; } = null!;

    /// <summary>mailfilter-authd, its files in <see cref="Directory"/>.</summary>
    public AuthdInstance AuthdServer { get; private set; } = null!;

    /// <summary>A client of authd as root (admin calls: rotation), for making keys and envelopes.</summary>
    public AuthdClient Authd => AuthdServer.Client;

    public string AuthdSocket => AuthdServer.Socket;

    public string LmtpEndpoint { get; private set; } = string.Empty;

    public string MailfilterdLog => File.Exists(Path.Combine(Directory, "mailfilterd.log")) ? PostfixInstance.ReadShared(Path.Combine(Directory, "mailfilterd.log")) : string.Empty;

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(Directory, (UnixFileMode)Convert.ToInt32("755", 8));
        Postgres = await PostgresInstance.StartAsync();
        await Postgres.CreateDatabaseAsync("mailfilter");
        AuthdServer = await AuthdInstance.StartAsync(new AuthdOptions { Postgres = Postgres, Directory = Directory, PublicListener = false });

        Dovecot = await DovecotInstance.StartAsync([("bob@example.test", Password), ("carol@example.test", Password)]);

        LmtpEndpoint = "inet:127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var config = Path.Combine(Directory, "mailfilter.conf");
        await File.WriteAllTextAsync(config, $"""
            # written by the delivery tests
            [milter]
            listen = inet:127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}

            [filter]
            hostname = mx.example.test
            authd_socket = {AuthdSocket}

            [policy]
            local_domains = example.test

            [delivery]
            listen = {LmtpEndpoint}
            dovecot_lmtp = {Dovecot.LmtpEndpoint}
            authserv_id = {AuthservId}
            spool_directory = {Directory}

            [log]
            level = debug

            """);
        Mailfilterd = await DaemonProcess.StartMailfilterdAsync(LmtpEndpoint, Path.Combine(Directory, "mailfilterd.log"), "--config", config);
        Postfix = await PostfixInstance.StartAsync(new PostfixOptions { Delivery = DeliveryMode.Lmtp, LmtpDestination = LmtpEndpoint });
    }

    public Task StartAuthdAsync() => AuthdServer.StartAsync();

    public Task StopAuthdAsync() => AuthdServer.StopAsync();

    public async Task DisposeAsync()
    {
        if (Postfix is not null)
        {
            await Postfix.DisposeAsync();
        }

        if (Mailfilterd is not null)
        {
            await Mailfilterd.DisposeAsync();
        }

        if (Dovecot is not null)
        {
            await Dovecot.DisposeAsync();
        }

        if (AuthdServer is not null)
        {
            await AuthdServer.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
