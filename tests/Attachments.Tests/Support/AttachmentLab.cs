using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Cli;
using MailFilter.Lab;

namespace MailFilter.Attachments.Tests.Support;

/// <summary>
/// PostgreSQL, a mailfilter-authd process whose attachment store is the filesystem (<see cref="FilesystemLab"/>) or s3rver
/// (<see cref="S3Lab"/>), and a private Postfix that delivers every address into one Maildir (the proof codes authd mails).
/// Started once per test class. The store's quota is <see cref="Quota"/>; GC runs only when a test asks, with no grace period.
/// </summary>
public abstract class AttachmentLab : IAsyncLifetime
{
    public const long Quota = 32L * 1024 * 1024;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("mailfilter-attachments-").FullName;

    public PostgresInstance Postgres { get; private set; } = null!;

    public PostfixInstance Postfix { get; private set; } = null!;

    public S3rverInstance? S3 { get; private set; }

    /// <summary>mailfilter-authd, its files in <see cref="Directory"/>.</summary>
    public AuthdInstance AuthdServer { get; private set; } = null!;

    public DaemonProcess Daemon => AuthdServer.Process;

    public AuthdClient Authd => AuthdServer.Client;

    public int PublicPort => AuthdServer.PublicPort;

    /// <summary>authd's Prometheus listener ([metrics] authd_listen).</summary>
    public int MetricsPort { get; } = FreePort.Next();

    public string PublicUrl => AuthdServer.PublicUrl;

    public string AuthdSocket => AuthdServer.Socket;

    public string StorePath => Path.Combine(Directory, "store");

    public abstract string Backend { get; }

    private readonly List<AuthdInstance> _extra = [];
    private string _store = string.Empty;

    public string AuthdLog => AuthdServer?.Log ?? string.Empty;

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(Directory, (UnixFileMode)Convert.ToInt32("755", 8));
        Postgres = await PostgresInstance.StartAsync();
        await Postgres.CreateDatabaseAsync("mailfilter");
        Postfix = await PostfixInstance.StartAsync(new PostfixOptions { Delivery = DeliveryMode.Maildir });
        string store;
        if (Backend == "s3")
        {
            S3 = await S3rverInstance.StartAsync(Directory);
            var secret = Path.Combine(Directory, "s3.secret");
            await File.WriteAllTextAsync(secret, S3rverInstance.SecretKey + "\n");
            File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            store = $"""
                store = s3
                s3_endpoint = {S3.Endpoint}
                s3_bucket = {S3rverInstance.Bucket}
                s3_prefix = attachments/
                s3_access_key = {S3rverInstance.AccessKey}
                s3_secret_key_file = {secret}
                s3_timeout = 20s
                """;
        }
        else
        {
            store = $"path = {StorePath}";
        }

        _store = store;
        AuthdServer = await AuthdInstance.StartAsync(Options(store, MetricsPort, Directory, masterKeyFrom: null));
    }

    /// <summary>
    /// A second authd on this lab's database and master key whose store is broken: the filesystem store's path is a file,
    /// the S3 endpoint a port nobody listens on. Returns its socket and public port; stopped with the lab.
    /// </summary>
    public async Task<(string Socket, int PublicPort)> StartBrokenAuthdAsync()
    {
        var broken = Backend == "s3"
            ? _store.Replace(S3!.Endpoint.ToString(), "http://127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture) + "/", StringComparison.Ordinal)
                .Replace("s3_timeout = 20s", "s3_timeout = 3s", StringComparison.Ordinal)
            : "path = " + AuthdServer.ConfigPath;
        var authd = await AuthdInstance.StartAsync(Options(broken, FreePort.Next(), directory: null, masterKeyFrom: AuthdServer.MasterKeyPath));
        _extra.Add(authd);
        return (authd.Socket, authd.PublicPort);
    }

    /// <summary>An HTTP client for the public listener; <paramref name="cookies"/> keeps a browser's proof session.</summary>
    public HttpClient Browser(CookieContainer? cookies = null) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() })
        {
            BaseAddress = new Uri(PublicUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>Stores <paramref name="content"/> (if needed) and grants it to the recipients; the links.</summary>
    public async Task<IReadOnlyList<AttachmentLink>> SendAsync(byte[] content, string fileName, string sender, string[] recipients, bool encrypted = false,
        int? downloadLimit = null, string follow = "pinned", string contentType = "application/pdf")
    {
        var sha = Sha(content);
        if (!await Authd.HasAttachmentAsync(sha))
        {
            await Authd.PutAttachmentAsync(sha, new MemoryStream(content), content.Length);
        }

        return await Authd.CreateGrantsAsync(new GrantRequest
        {
            Sender = sender,
            MessageId = $"<{Guid.NewGuid():N}@example.test>",
            QueueId = "TEST" + RandomNumberGenerator.GetInt32(100000),
            Encrypted = encrypted,
            Recipients = recipients,
            Files = [new GrantFile { Sha256 = sha, FileName = fileName, ContentType = contentType, Size = content.Length, Follow = follow }],
            DownloadLimit = downloadLimit,
        });
    }

    private AuthdOptions Options(string store, int metricsPort, string? directory, string? masterKeyFrom)
    {
        int publicPort = FreePort.Next();
        return new AuthdOptions
        {
            Postgres = Postgres,
            PublicPort = publicPort,
            Directory = directory,
            MasterKeyFrom = masterKeyFrom,
            RequestTimeout = TimeSpan.FromSeconds(60),
            AuthdSettings = "socket_mode = 0666",
            Sections = $"""
                [registry]
                smtp = inet:127.0.0.1:{Postfix.SmtpPort.ToString(CultureInfo.InvariantCulture)}

                [attachments]
                {store}
                quota = {(Quota / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)}M
                max_file_size = 20M
                link_base_url = http://127.0.0.1:{publicPort.ToString(CultureInfo.InvariantCulture)}
                gc_interval = 0
                gc_grace = 0s
                released_retention = 0s
                code_resend_interval = 0s
                mail_from = attachments@example.test

                [metrics]
                authd_listen = 127.0.0.1:{metricsPort.ToString(CultureInfo.InvariantCulture)}

                [log]
                level = debug
                """,
        };
    }

    public static string Sha(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The path part of a link (what a browser requests from the public listener).</summary>
    public static string PathOf(AttachmentLink link) => new Uri(link.Url).PathAndQuery;

    /// <summary>Runs mailfilterctl in-process against this lab's authd.</summary>
    public async Task<(int Code, string Out, string Err)> CtlAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync([.. args, "--socket", AuthdSocket], output, error);
        return (code, output.ToString(), error.ToString());
    }

    public Task<ProcessRunner.Result> SqlAsync(string sql) => Postgres.PsqlAsync("mailfilter", sql);

    public async Task DisposeAsync()
    {
        foreach (var extra in _extra)
        {
            await extra.DisposeAsync();
        }

        if (AuthdServer is not null)
        {
            await AuthdServer.DisposeAsync();
        }

        if (S3 is not null)
        {
            await S3.DisposeAsync();
        }

        if (Postfix is not null)
        {
            await Postfix.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        try
        {
            // MAILFILTER_KEEP_LAB=1 keeps the directory (logs, store) for a look after a failure.
            if (Environment.GetEnvironmentVariable("MAILFILTER_KEEP_LAB") == "1")
            {
                return;
            }

            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class FilesystemLab : AttachmentLab
{
    public override string Backend => "filesystem";
}

public sealed class S3Lab : AttachmentLab
{
    public override string Backend => "s3";
}
