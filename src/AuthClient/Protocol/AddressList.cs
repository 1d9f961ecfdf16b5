namespace MailFilter.AuthClient.Protocol;

public sealed record AddressList
{
    public required IReadOnlyList<AddressRecord> Addresses { get; init; }
}
