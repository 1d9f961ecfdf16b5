namespace MailFilter.Filter.Configuration;

/// <summary>A <c>[policy:DOMAIN]</c> or <c>[policy:ADDRESS]</c> section: the keys it sets; null inherits.</summary>
public sealed record PartialPolicyRule(SignPolicy? Sign, EncryptPolicy? Encrypt)
{
    public EgressPolicy? Egress { get; init; }

    public bool? WhitelistLearn { get; init; }

    public LinksPolicy? Links { get; init; }

    public LinksStoreFailure? LinksStoreFailure { get; init; }
}
