namespace MailFilter.Crypto.Codecs;

internal enum Base64Status
{
    Ok,
    /// <summary>A character outside the standard alphabet (this includes '=' and white space).</summary>
    InvalidCharacter,
    /// <summary>A length of 1 mod 4, which no byte string encodes to.</summary>
    InvalidLength,
    /// <summary>Non-zero unused bits in the last character: another text decodes to the same bytes.</summary>
    NonCanonical,
    DestinationTooSmall,
}
