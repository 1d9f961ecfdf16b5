using System.Text;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.AuthClient;

/// <summary>The registry calls (docs/registry.md §4.1): message registration and queries (service role), address administration (admin role).</summary>
public sealed partial class AuthdClient
{
    /// <summary>Registers one copy of a signed message; the answer has its confirmation number, or says the sender is not confirmed.</summary>
    public Task<RegisterMessageResponse> RegisterMessageAsync(RegisterMessageRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AuthdRoutes.RegistryRegister, request, AuthdJson.Default.RegisterMessageRequest, AuthdJson.Default.RegisterMessageResponse,
            Options.RequestTimeout, cancellationToken);

    /// <summary>Asks the registry of the sender's domain (local, or the peer's public API through authd).</summary>
    public Task<RegistryAnswer> VerifyRegistrationAsync(RegistryQuery query, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AuthdRoutes.RegistryVerify, query, AuthdJson.Default.RegistryQuery, AuthdJson.Default.RegistryAnswer, Options.RequestTimeout, cancellationToken);

    public async Task<IReadOnlyList<AddressRecord>> ListAddressesAsync(string? domain = null, string? state = null, CancellationToken cancellationToken = default) =>
        (await SendAsync<object, AddressList>(HttpMethod.Get, WithQuery(AuthdRoutes.AdminAddresses, ("domain", domain), ("state", state)), null, null,
            AuthdJson.Default.AddressList, Options.RequestTimeout, cancellationToken).ConfigureAwait(false)).Addresses;

    /// <summary>One address's registration; null if authd has no record of it.</summary>
    public Task<AddressRecord?> GetAddressAsync(string address, CancellationToken cancellationToken = default) =>
        SendOrNullAsync<object, AddressRecord>(HttpMethod.Get, AuthdRoutes.AdminAddressesShow + "?address=" + Uri.EscapeDataString(address), null, null,
            AuthdJson.Default.AddressRecord, cancellationToken);

    public Task<AddressRecord> RegisterAddressAsync(AddressRequest request, CancellationToken cancellationToken = default) =>
        AddressCallAsync(AuthdRoutes.AdminAddressesRegister, request, cancellationToken);

    public Task<AddressRecord> ConfirmAddressAsync(AddressRequest request, CancellationToken cancellationToken = default) =>
        AddressCallAsync(AuthdRoutes.AdminAddressesConfirm, request, cancellationToken);

    public Task<AddressRecord> UnbindAddressAsync(string address, CancellationToken cancellationToken = default) =>
        AddressCallAsync(AuthdRoutes.AdminAddressesUnbind, new AddressRequest { Address = address }, cancellationToken);

    public Task<AddressRecord> RemindAddressAsync(string address, CancellationToken cancellationToken = default) =>
        AddressCallAsync(AuthdRoutes.AdminAddressesRemind, new AddressRequest { Address = address }, cancellationToken);

    /// <summary><paramref name="path"/> with the given parameters that have a value, percent-encoded.</summary>
    private static string WithQuery(string path, params (string Name, string? Value)[] parameters)
    {
        var query = new StringBuilder(path);
        char sep = '?';
        foreach (var (name, value) in parameters.Where(p => p.Value is not null))
        {
            query.Append(sep).Append(name).Append('=').Append(Uri.EscapeDataString(value!));
            sep = '&';
        }

        return query.ToString();
    }

    private Task<AddressRecord> AddressCallAsync(string route, AddressRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, route, request, AuthdJson.Default.AddressRequest, AuthdJson.Default.AddressRecord, Options.RequestTimeout, cancellationToken);
}
