namespace MailFilter.Mime;

/// <summary>
/// The engine's one documented exception for malformed input. Reading a message never throws it (defects are
/// recorded instead); the strict value parsers (<c>Parse</c> methods of addresses, dates, content types) and the
/// writer (for trees that can not be serialised) do.
/// </summary>
public sealed class MimeFormatException : FormatException
{
    public MimeFormatException(MimeFormatError error, string message)
        : base(message)
    {
        Error = error;
    }

    public MimeFormatException()
        : this(MimeFormatError.InvalidHeader, "Malformed MIME.")
    {
    }

    public MimeFormatException(string message)
        : this(MimeFormatError.InvalidHeader, message)
    {
    }

    public MimeFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = MimeFormatError.InvalidHeader;
    }

    public MimeFormatError Error { get; }
}
