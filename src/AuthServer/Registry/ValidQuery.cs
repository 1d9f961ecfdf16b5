using MailFilter.AuthClient.Registry;

namespace MailFilter.AuthServer.Registry;

/// <summary>A registry query whose five values passed <see cref="RegistryQueryParser"/>: canonical addresses, the date in UTC to the second.</summary>
public sealed record ValidQuery(string Sender, string Recipient, DateTimeOffset Date, ConfirmationNumber Number, string Signature);
