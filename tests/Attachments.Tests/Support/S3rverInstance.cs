using System.Globalization;
using MailFilter.Lab;

namespace MailFilter.Attachments.Tests.Support;

/// <summary>
/// s3rver (npm, installed by scripts/deps.sh under /opt/mailfilter-npm) on a free loopback port with its data under a temporary
/// directory: an S3 implementation independent of MailFilter and of the AWS SDK. Stopped by PID (SIGTERM) on dispose.
/// </summary>
public sealed class S3rverInstance : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Bucket = "mailfilter";

    private readonly DaemonProcess _process;

    private S3rverInstance(DaemonProcess process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public Uri Endpoint => new("http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture) + "/");

    /// <summary>Where s3rver is: $MAILFILTER_S3RVER, or the install of scripts/deps.sh.</summary>
    public static string Executable => Environment.GetEnvironmentVariable("MAILFILTER_S3RVER") is { Length: > 0 } path ? path : "/opt/mailfilter-npm/node_modules/s3rver/bin/s3rver.js";

    public static async Task<S3rverInstance> StartAsync(string directory)
    {
        if (!File.Exists(Executable))
        {
            throw new FileNotFoundException($"s3rver is not installed at {Executable}: run scripts/deps.sh (npm install s3rver)", Executable);
        }

        int port = FreePort.Next();
        var data = Path.Combine(directory, "s3rver");
        System.IO.Directory.CreateDirectory(data);
        var process = await DaemonProcess.StartAsync("/usr/bin/node",
            [Executable, "-d", data, "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--silent", "--no-vhost-buckets", "--configure-bucket", Bucket],
            "inet:127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), Path.Combine(directory, "s3rver.log"));
        return new S3rverInstance(process, data, port);
    }

    /// <summary>Every object file s3rver holds (its data directory keeps one file per object plus metadata files).</summary>
    public IEnumerable<string> ObjectFiles() => System.IO.Directory.EnumerateFiles(Path.Combine(Directory, Bucket), "*", SearchOption.AllDirectories);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
