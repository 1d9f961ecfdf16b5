namespace MailFilter.Crypto.Envelope;

/// <summary>
/// Why an envelope (or a plain age file) was refused. Each value names one receive check of
/// docs/envelope.md §6; the hundreds digit is the check's step number, so a log line says which
/// step failed. Values are stable: they appear in logs and trace headers.
/// </summary>
public enum EnvelopeError
{
    // Step 3: the age header, parsed with limits.

    /// <summary>The input ended inside the age header.</summary>
    HeaderTruncated = 301,
    /// <summary>The age header is longer than the limit (256 KiB).</summary>
    HeaderTooLarge = 302,
    /// <summary>The first line is not <c>age-encryption.org/v1</c>.</summary>
    HeaderVersionUnsupported = 303,
    /// <summary>A header line breaks the age grammar (stanza, body or MAC line).</summary>
    HeaderMalformed = 304,
    /// <summary>Base64 with padding or non-zero unused bits: a second spelling of the same bytes.</summary>
    NonCanonicalBase64 = 305,
    /// <summary>More than 1,000 recipient stanzas (the hint stanza is not counted).</summary>
    TooManyStanzas = 306,
    /// <summary>A stanza other than X25519 and one trailing key hint, or a second hint.</summary>
    UnexpectedStanza = 307,

    // Step 4: unwrapping the file key.

    /// <summary>An X25519 stanza without exactly one 32-byte share and a 32-byte body, or a hint whose arguments are not key ids.</summary>
    StanzaMalformed = 401,
    /// <summary>X25519 gave an all-zero shared secret (a low-order share).</summary>
    ZeroSharedSecret = 402,
    /// <summary>None of the recipient's keys opens any stanza.</summary>
    NoMatchingRecipient = 403,

    // Step 5.

    /// <summary>The header MAC does not verify under the unwrapped file key.</summary>
    HeaderMacMismatch = 501,

    // Step 6: the payload (age STREAM), then the container preamble.

    /// <summary>The payload ended in the nonce, before a final chunk, or inside a chunk's tag.</summary>
    PayloadTruncated = 601,
    /// <summary>A payload chunk failed authentication (a changed bit, or a cut inside a chunk).</summary>
    PayloadChunkInvalid = 602,
    /// <summary>Bytes follow the final payload chunk.</summary>
    PayloadTrailingData = 603,
    /// <summary>An empty final chunk after other chunks (age v1 forbids it).</summary>
    PayloadEmptyFinalChunk = 604,
    /// <summary>The plaintext ended inside the 8-byte preamble.</summary>
    PreambleTruncated = 611,
    /// <summary>The plaintext does not start with <c>MFSM</c>.</summary>
    BadMagic = 612,
    /// <summary>A container version other than 0x01.</summary>
    UnsupportedContainerVersion = 613,
    /// <summary>A signature algorithm other than 0x01 (Ed25519).</summary>
    UnsupportedSignatureAlgorithm = 614,
    /// <summary>A content hash algorithm other than 0x01 (SHA-256).</summary>
    UnsupportedHashAlgorithm = 615,
    /// <summary>Reserved flags are not zero.</summary>
    NonZeroFlags = 616,

    // Step 7: the manifest.

    /// <summary>The plaintext ended inside the manifest length or the manifest.</summary>
    ManifestTruncated = 701,
    /// <summary>The manifest fields do not fill its length exactly.</summary>
    ManifestMalformed = 702,
    /// <summary>An address that is not an addr-spec in canonical form (domain lower case, A-labels).</summary>
    ManifestAddressInvalid = 703,
    /// <summary>A Message-ID that is empty or not printable ASCII without angle brackets.</summary>
    ManifestMessageIdInvalid = 704,
    /// <summary>A recipient count of 0 or over 1,000.</summary>
    RecipientCountOutOfRange = 705,
    /// <summary>Recipients not sorted by address bytes, then kid.</summary>
    RecipientsNotSorted = 706,
    /// <summary>The same (address, kid) twice.</summary>
    DuplicateRecipient = 707,

    // Step 8.

    /// <summary>The plaintext ended inside the content length or the content.</summary>
    ContentTruncated = 801,
    /// <summary>The content length is over the configured limit.</summary>
    ContentTooLarge = 802,

    // Step 9.

    /// <summary>Fewer than 64 signature bytes follow the content.</summary>
    SignatureTruncated = 901,
    /// <summary>Bytes follow the signature.</summary>
    BytesAfterSignature = 902,

    // Step 10: the sender's key.

    /// <summary>The key server knows no signing key with the manifest's sender kid.</summary>
    SenderKeyUnknown = 1001,
    /// <summary>The sender kid belongs to another address than the manifest sender.</summary>
    SenderKeyWrongAddress = 1002,
    /// <summary>The sender key is revoked.</summary>
    SenderKeyRevoked = 1003,
    /// <summary>The sender key was not valid at <c>created</c> (outside not_before..not_after plus the skew window).</summary>
    SenderKeyNotValidAtCreated = 1004,
    /// <summary><c>created</c> is later than now plus the skew window.</summary>
    CreatedInFuture = 1005,

    // Step 11.

    /// <summary>The Ed25519 signature over the to-be-signed bytes does not verify.</summary>
    SignatureInvalid = 1101,

    // Step 12.

    /// <summary>The local (address, kid) is not in the manifest.</summary>
    RecipientNotInManifest = 1201,

    // Step 13.

    /// <summary>The outer or inner From: does not match the manifest sender.</summary>
    FromMismatch = 1301,

    // Step 14.

    /// <summary>The number of X25519 stanzas differs from the manifest's recipient count.</summary>
    StanzaCountMismatch = 1401,
    /// <summary>The hint's kids differ from the manifest's kids (a hidden extra recipient).</summary>
    HintMismatch = 1402,

    // Step 15.

    /// <summary>(sender, Message-ID, created) was already delivered to this recipient.</summary>
    Replay = 1501,
}
