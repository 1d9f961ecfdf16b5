namespace MailFilter.Crypto.Age;

/// <summary>Parser limits for age headers (docs/envelope.md §6 step 3), checked before allocating.</summary>
public sealed class AgeLimits
{
    /// <summary>The envelope limits: 256 KiB of header, 1,000 recipient stanzas plus the hint.</summary>
    public static AgeLimits Envelope { get; } = new();

    /// <summary>Longest header accepted, through the LF after the MAC.</summary>
    public int MaxHeaderLength { get; init; } = 256 * 1024;

    /// <summary>Most recipient stanzas accepted (a key-hint stanza is not counted).</summary>
    public int MaxRecipientStanzas { get; init; } = 1000;
}
