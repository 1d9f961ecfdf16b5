using MailFilter.Filter.Delivery.Lmtp;
using MailFilter.Milter;

namespace MailFilter.Filter.Delivery;

/// <summary>Where the LMTP server listens and how it treats connections.</summary>
public sealed record LmtpServerOptions
{
    /// <summary>unix:/path or inet:host:port (Postfix syntax, parsed like the milter's).</summary>
    public IReadOnlyList<MilterEndpoint> Endpoints { get; init; } = [];

    /// <summary>Mode of a unix socket (0660: Postfix's lmtp client, in the socket's group, connects).</summary>
    public UnixFileMode UnixSocketMode { get; init; } =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>Group of a unix socket, or null for the process's group.</summary>
    public string? UnixSocketGroup { get; init; }

    public LmtpSessionOptions Session { get; init; } = new();

    /// <summary>Messages up to this size stay in memory; bigger ones go to an unlinked file.</summary>
    public long SpoolMemoryThreshold { get; init; } = 1 << 20;

    public string SpoolDirectory { get; init; } = Path.GetTempPath();

    /// <summary>A connection silent this long gets 421 and is closed.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Most simultaneous connections; more are closed on accept (Postfix retries).</summary>
    public int MaxConnections { get; init; } = 1000;

    /// <summary>How long deliveries in flight may finish on stop.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
