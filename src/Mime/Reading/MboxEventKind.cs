namespace MailFilter.Mime;

/// <summary>What an <see cref="MboxEvent"/> reports. Events partition the input like <see cref="MimeEventKind"/> does.</summary>
public enum MboxEventKind : byte
{
    /// <summary>Bytes before the first "From " line (not part of any message).</summary>
    Preface = 1,
    /// <summary>A "From " separator line with its line break (RFC 4155).</summary>
    FromLine,
    /// <summary>Bytes of the current message.</summary>
    Data,
    /// <summary>The empty line ("\n") before the next "From " line or the end of the file, which mbox adds and is not part of the message.</summary>
    Separator,
}
