using MailFilter.AuthClient.Protocol;

namespace MailFilter.AuthClient;

/// <summary>Where mailfilter-authd listens and how long a call may take.</summary>
public sealed record AuthdClientOptions
{
    /// <summary>The unix socket (default /run/mailfilter/authd.sock).</summary>
    public string SocketPath { get; init; } = AuthdRoutes.DefaultSocketPath;

    /// <summary>How long connecting may take before the call fails as unavailable (default 2 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one call may take in all, connecting included (default 5 s). Backups and restores use <see cref="AdminTimeout"/>.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The budget of the slow admin calls: backup, restore (Argon2id, every key) (default 5 min).</summary>
    public TimeSpan AdminTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an attachment upload may take, storing included (default 10 min: 1 GiB at under 2 MB/s).</summary>
    public TimeSpan UploadTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
