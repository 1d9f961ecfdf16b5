namespace MailFilter.Mime;

/// <summary>Why a <see cref="MimeFormatException"/> was thrown.</summary>
public enum MimeFormatError
{
    /// <summary>An address (RFC 5322 §3.4) could not be parsed.</summary>
    InvalidAddress = 1,
    /// <summary>A date-time (RFC 5322 §3.3) could not be parsed.</summary>
    InvalidDate,
    /// <summary>A Content-Type or Content-Disposition value (RFC 2045 §5.1, RFC 2183) could not be parsed.</summary>
    InvalidContentType,
    /// <summary>A header name or value that can not be written (RFC 5322 §2.2: printable ASCII name, no bare line breaks).</summary>
    InvalidHeader,
    /// <summary>An entity tree that can not be written: nested deeper than <see cref="MimeOptions.DepthCeiling"/>, or a cycle.</summary>
    InvalidTree,
    /// <summary>The input is not an mbox file (no "From " line where one is required).</summary>
    InvalidMbox,
}
