using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Client;

/// <summary>Everything an MTA tells a milter about one message, for <see cref="MilterClient.SendMessageAsync"/>.</summary>
public sealed record MilterTransaction
{
    public string ClientHostname { get; init; } = "localhost";

    public string ClientAddress { get; init; } = "127.0.0.1";

    public ushort ClientPort { get; init; } = 12345;

    public string Helo { get; init; } = "localhost";

    /// <summary>MAIL FROM as the client wrote it, e.g. <c>&lt;alice@example.test&gt;</c>.</summary>
    public required string Sender { get; init; }

    public IReadOnlyList<string> SenderArguments { get; init; } = [];

    /// <summary>RCPT TO addresses, e.g. <c>&lt;bob@example.test&gt;</c>.</summary>
    public required IReadOnlyList<string> Recipients { get; init; }

    public required RawMessage Message { get; init; }

    /// <summary>Macros per stage; by default what Postfix sends (queue id, daemon name, auth ...).</summary>
    public IReadOnlyDictionary<MilterCommand, IReadOnlyDictionary<string, string>> Macros { get; init; } =
        new Dictionary<MilterCommand, IReadOnlyDictionary<string, string>>();
}
