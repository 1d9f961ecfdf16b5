namespace MailFilter.Mime;

/// <summary>What was wrong with the input at one place. The engine records these and carries on.</summary>
public enum MimeDefectKind
{
    /// <summary>The header block did not end with an empty line (RFC 5322 §2.1); the first non-header line starts the body.</summary>
    MissingHeaderBodySeparator = 1,
    /// <summary>A line in the header block that is not a header field (a leading continuation line, a misplaced "From " line, an empty field name).</summary>
    InvalidHeaderLine,
    /// <summary>A multipart whose Content-Type has no boundary parameter (RFC 2046 §5.1.1); read as a leaf.</summary>
    MissingBoundaryParameter,
    /// <summary>No delimiter line for the multipart's boundary before its end; the body is read as a leaf.</summary>
    StartBoundaryNotFound,
    /// <summary>The multipart ended without its close delimiter (RFC 2046 §5.1.1).</summary>
    CloseBoundaryNotFound,
    /// <summary>A close delimiter came before any body part.</summary>
    CloseBoundaryBeforeParts,
    /// <summary>A message/* entity declared a base64 or quoted-printable encoding, which RFC 2046 §5.2.1 forbids; read as an opaque leaf.</summary>
    EncodedMessage,
    /// <summary><see cref="MimeOptions.MaxDepth"/> reached: this multipart or message/* entity is read as an opaque leaf.</summary>
    DepthLimitExceeded,
    /// <summary><see cref="MimeOptions.MaxParts"/> reached: the rest of the input is opaque.</summary>
    PartLimitExceeded,
    /// <summary><see cref="MimeOptions.MaxHeaderCount"/> reached: the rest of the entity is opaque content.</summary>
    HeaderCountLimitExceeded,
    /// <summary><see cref="MimeOptions.MaxHeaderBytes"/> reached: the rest of the entity is opaque content.</summary>
    HeaderBytesLimitExceeded,
    /// <summary>A header line longer than <see cref="MimeOptions.MaxLineLength"/>: the rest of the entity is opaque content.</summary>
    LineLengthLimitExceeded,
}
