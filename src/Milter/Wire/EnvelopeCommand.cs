namespace MailFilter.Milter.Wire;

/// <summary>SMFIC_MAIL and SMFIC_RCPT: a string list whose first string is the address as the client wrote
/// it (<c>&lt;a@b&gt;</c> in smtpd, bare <c>a@b</c> in the sendmail path, <c>&lt;&gt;</c> or "" for the null
/// sender) and the rest ESMTP parameters, one per string.</summary>
public static class EnvelopeCommand
{
    public static (byte[] Address, List<string> Arguments) Parse(ReadOnlySpan<byte> payload, string what)
    {
        var reader = new PayloadReader(payload);
        byte[] address = reader.ReadCString(what).ToArray();
        var args = reader.End ? [] : reader.ReadStringList(what + " parameter");
        return (address, args);
    }
}
