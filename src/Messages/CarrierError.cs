namespace MailFilter.Messages;

/// <summary>Why a message that claims to be MailFilter's carrier is malformed (docs/envelope.md §6 steps 1 and 2).</summary>
public enum CarrierError
{
    /// <summary>The multipart has no boundary, no close delimiter, or the MIME engine hit a limit inside it.</summary>
    Structure = 1,

    /// <summary>Not exactly two parts (RFC 1847 §2.2: the control part, then the encrypted data).</summary>
    PartCount,

    /// <summary>Part 1 is not application/vnd.mailfilter.envelope.</summary>
    ControlPartType,

    /// <summary>Part 1's body is not "Version: 1".</summary>
    ControlVersion,

    /// <summary>Part 2 is not application/octet-stream.</summary>
    EnvelopePartType,

    /// <summary>Part 2 is not Content-Transfer-Encoding: base64.</summary>
    TransferEncoding,

    /// <summary>Part 2 holds a character outside the base64 alphabet, misplaced padding, or a dangling character.</summary>
    Base64Invalid,

    /// <summary>Part 2 decodes to nothing.</summary>
    Empty,

    /// <summary>Part 2 decodes to more than the configured limit.</summary>
    TooLarge,
}
