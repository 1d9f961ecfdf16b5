namespace MailFilter.Mime;

/// <summary>A mailbox (RFC 5322 §3.4): optional display name, local part, domain, and an obsolete source route if one was given.</summary>
public sealed class MailboxAddress : InternetAddress
{
    public MailboxAddress(string? name, string address, IReadOnlyList<string>? route = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
        Route = route ?? [];
    }

    /// <summary>"local@domain" (the local part unquoted; RFC 6532 UTF-8 allowed).</summary>
    public string Address { get; }

    /// <summary>Obsolete route domains (RFC 5322 §4.4 obs-route), without the "@".</summary>
    public IReadOnlyList<string> Route { get; }

    public string LocalPart => Address.LastIndexOf('@') is var at and >= 0 ? Address[..at] : Address;

    public string Domain => Address.LastIndexOf('@') is var at and >= 0 ? Address[(at + 1)..] : string.Empty;

    public override string ToHeaderValue() =>
        Name is null ? "<" + Address + ">" : FormatPhrase(Name) + " <" + Address + ">";

    public override string ToString() => Name is null ? Address : Name + " <" + Address + ">";
}
