namespace MailFilter.AuthServer.Data;

/// <summary>One (kid, sending host) group of a pair's observations within the window.</summary>
public sealed class WindowRow
{
    public byte[] Kid { get; init; } = [];

    public string? Address { get; init; }

    public string? Helo { get; init; }

    public DateTime First { get; init; }

    public DateTime Last { get; init; }

    public long Count { get; init; }
}
