using MailFilter.Milter.Wire;

namespace MailFilter.Milter;

/// <summary>
/// Everything a handler knows about one MTA connection: what was negotiated, the SMTP client, HELO, the
/// macros, and the message in progress.
/// </summary>
public sealed class MilterContext
{
    private Dictionary<string, object?>? _items;

    internal MilterContext(long connectionId)
    {
        ConnectionId = connectionId;
    }

    /// <summary>A number unique within this process, for logs.</summary>
    public long ConnectionId { get; }

    public OptionNegotiation Negotiated { get; internal set; }

    /// <summary>The SMTP client as the MTA described it at CONNECT, or null before CONNECT.</summary>
    public ConnectCommand? Client { get; internal set; }

    /// <summary>The SMTP client's IP address: from CONNECT, or from the <c>{client_addr}</c> macro when the
    /// CONNECT step is not negotiated; null when neither is there.</summary>
    public string? ClientAddress => Client?.Address is { Length: > 0 } a ? a : Macros.Get("client_addr");

    /// <summary>The last HELO/EHLO argument, or null.</summary>
    public string? Helo { get; internal set; }

    public MacroSet Macros { get; } = new();

    /// <summary>The message in progress (from MAIL FROM until ABORT), or null.</summary>
    public MilterMessage? Message { get; internal set; }

    /// <summary>The Postfix queue id (macro <c>i</c>); missing before the first accepted RCPT in smtpd.</summary>
    public string? QueueId => Macros.Get("i");

    /// <summary>Per-connection state for the handler.</summary>
    public IDictionary<string, object?> Items => _items ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>True when header values arrive and leave exactly (SMFIP_HDR_LEADSPC negotiated).</summary>
    public bool ExactHeaderValues => (Negotiated.Protocol & MilterProtocolFlags.HeaderLeadingSpace) != 0;
}
