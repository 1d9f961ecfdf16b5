namespace MailFilter.Milter.Wire;

/// <summary>SMFIC_HEADER: <c>name\0value\0</c>. An empty value arrives as <c>name\0\0</c>. Folded values
/// carry bare LF followed by the original whitespace.</summary>
public readonly ref struct HeaderCommand
{
    public HeaderCommand(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Name = name;
        Value = value;
    }

    public ReadOnlySpan<byte> Name { get; }

    public ReadOnlySpan<byte> Value { get; }

    public static HeaderCommand Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var name = reader.ReadCString("header name");
        var value = reader.ReadCString("header value");
        if (name.IsEmpty)
        {
            MilterProtocolException.Throw(MilterProtocolError.MalformedPayload, "header with an empty name");
        }

        return new HeaderCommand(name, value);
    }
}
