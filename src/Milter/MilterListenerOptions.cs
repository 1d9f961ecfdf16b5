namespace MailFilter.Milter;

/// <summary>Where the listener listens.</summary>
public sealed record MilterListenerOptions
{
    /// <summary>One or more sockets (unix and/or inet). The default is inet on loopback, port 8891.</summary>
    public IReadOnlyList<MilterEndpoint> Endpoints { get; init; } = [MilterEndpoint.Parse("inet:127.0.0.1:8891")];

    /// <summary>Mode of a unix socket (0660 by default: owner and group).</summary>
    public UnixFileMode UnixSocketMode { get; init; } =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>Group of a unix socket (e.g. <c>postfix</c>), or null to keep the process's group.</summary>
    public string? UnixSocketGroup { get; init; }

    /// <summary>Listen backlog: Postfix opens one milter connection per SMTP session.</summary>
    public int Backlog { get; init; } = 1024;
}
