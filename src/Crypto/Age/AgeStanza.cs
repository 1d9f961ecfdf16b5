namespace MailFilter.Crypto.Age;

/// <summary>One recipient stanza of an age header: a type, its arguments, and the decoded body.</summary>
internal sealed class AgeStanza(string type, string[] arguments, byte[] body)
{
    public string Type { get; } = type;

    /// <summary>The arguments after the type.</summary>
    public string[] Arguments { get; } = arguments;

    public byte[] Body { get; } = body;
}
