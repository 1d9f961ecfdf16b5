namespace MailFilter.Messages;

/// <summary>What <see cref="CarrierReader"/> made of a message.</summary>
public enum CarrierStatus
{
    /// <summary>The top level is not MailFilter's multipart/encrypted: an ordinary message (signed-only, or from elsewhere).</summary>
    NotCarrier,

    /// <summary>A well-formed carrier; the age file is in the spool.</summary>
    Carrier,

    /// <summary>The top level claims the carrier's protocol but breaks its layout (docs/envelope.md §7): a fail result, never an exception.</summary>
    Malformed,
}
