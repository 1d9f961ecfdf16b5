namespace MailFilter.Milter;

/// <summary>Limits and timings of the milter listener. Every limit is checked before allocating.</summary>
public sealed record MilterOptions
{
    /// <summary>Largest packet payload accepted (reference §1.1 recommends 1 MiB; Postfix sends at most
    /// 65535-byte body chunks and 60000-byte headers). Anything larger closes the connection.</summary>
    public int MaxPacketSize { get; init; } = 1024 * 1024;

    /// <summary>Most headers in one message.</summary>
    public int MaxHeaderCount { get; init; } = 10_000;

    /// <summary>Most header bytes (names + values) in one message.</summary>
    public long MaxHeaderBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest body accepted; a bigger message gets a 552 at end of message. 0 = no limit.</summary>
    public long MaxMessageSize { get; init; } = 1L << 30;

    /// <summary>Bodies up to this size stay in memory; larger ones go to a temporary file.</summary>
    public long SpoolMemoryThreshold { get; init; } = 1024 * 1024;

    /// <summary>Where large bodies are spooled (files are unlinked at once).</summary>
    public string SpoolDirectory { get; init; } = Path.GetTempPath();

    /// <summary>How long a handler may work before a PROGRESS packet tells the MTA to keep waiting.
    /// Postfix's command timeout is 30 s and its content timeout 300 s.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a connection may stay silent. Postfix keeps the milter connection open for the
    /// whole SMTP session (smtpd_timeout 300 s per command), so this must be generous.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>On stop, how long in-flight messages may take to finish.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Run every end-of-message handler call on a thread-pool thread rather than on the thread
    /// that completed the socket read. Off by default: the hop costs about 0.1 ms of CPU per message, and
    /// handlers that do heavy CPU work can move just that work (see <see cref="MilterHandler"/>).</summary>
    public bool OffloadEndOfMessage { get; init; }

    /// <summary>Most simultaneous connections; more are closed on accept (Postfix applies its default action).</summary>
    public int MaxConnections { get; init; } = 4096;
}
