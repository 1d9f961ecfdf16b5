namespace MailFilter.Mime;

/// <summary>A group (RFC 5322 §3.4): "name: member, member;" with possibly no members.</summary>
public sealed class GroupAddress : InternetAddress
{
    public GroupAddress(string name, IReadOnlyList<MailboxAddress> members)
        : base(name)
    {
        Members = members ?? [];
    }

    public IReadOnlyList<MailboxAddress> Members { get; }

    public override string ToHeaderValue() =>
        FormatPhrase(Name ?? string.Empty) + ": " + string.Join(", ", Members.Select(m => m.ToHeaderValue())) + ";";

    public override string ToString() => (Name ?? string.Empty) + ": " + string.Join(", ", Members) + ";";
}
