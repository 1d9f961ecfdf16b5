using System.Text;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.AuthClient;

/// <summary>The admin calls (docs/authd-api.md §4): authd allows them to peers in its admin lists, the secret export to root only.</summary>
public sealed partial class AuthdClient
{
    /// <summary>Every key, or those of one address or one domain.</summary>
    public async Task<IReadOnlyList<KeyInfo>> ListKeysAsync(string? address = null, string? domain = null, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder(AuthdRoutes.AdminKeys);
        char sep = '?';
        if (address is not null)
        {
            query.Append(sep).Append("address=").Append(Uri.EscapeDataString(address));
            sep = '&';
        }

        if (domain is not null)
        {
            query.Append(sep).Append("domain=").Append(Uri.EscapeDataString(domain));
        }

        var list = await SendAsync<object, KeyList>(HttpMethod.Get, query.ToString(), null, null, AuthdJson.Default.KeyList, Options.RequestTimeout, cancellationToken)
            .ConfigureAwait(false);
        return list.Keys;
    }

    /// <summary>Creates the keys the address lacks (both uses, or one); existing ones are reported unchanged.</summary>
    public Task<KeyChangeResponse> GenerateAsync(string address, KeyUse? use = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AuthdRoutes.AdminGenerate, new AddressKeysRequest { Address = address, Use = use },
            AuthdJson.Default.AddressKeysRequest, AuthdJson.Default.KeyChangeResponse, Options.RequestTimeout, cancellationToken);

    /// <summary>New current keys; the old ones stay (not_after set) to open and verify old mail.</summary>
    public Task<KeyChangeResponse> RotateAsync(string address, KeyUse? use = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AuthdRoutes.AdminRotate, new AddressKeysRequest { Address = address, Use = use },
            AuthdJson.Default.AddressKeysRequest, AuthdJson.Default.KeyChangeResponse, Options.RequestTimeout, cancellationToken);

    public Task<KeyChangeResponse> RevokeAsync(RevokeRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AuthdRoutes.AdminRevoke, request, AuthdJson.Default.RevokeRequest, AuthdJson.Default.KeyChangeResponse, Options.RequestTimeout, cancellationToken);

    public Task<KeyChangeResponse> ImportAsync(ImportRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AuthdRoutes.AdminImport, request, AuthdJson.Default.ImportRequest, AuthdJson.Default.KeyChangeResponse, Options.RequestTimeout, cancellationToken);

    /// <summary>The X25519 identities of an address (root only; authd writes an audit record).</summary>
    public Task<ExportSecretResponse> ExportSecretAsync(string address, string? kid = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AuthdRoutes.AdminExportSecret, new ExportSecretRequest { Address = address, Kid = kid },
            AuthdJson.Default.ExportSecretRequest, AuthdJson.Default.ExportSecretResponse, Options.RequestTimeout, cancellationToken);

    /// <summary>A backup of every key, encrypted inside authd (private keys never cross the socket in the clear).</summary>
    public async Task<byte[]> BackupAsync(BackupRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Post, AuthdRoutes.AdminBackup, request, AuthdJson.Default.BackupRequest, Options.AdminTimeout, cancellationToken)
            .ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<RestoreResponse> RestoreAsync(RestoreRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AuthdRoutes.AdminRestore, request, AuthdJson.Default.RestoreRequest, AuthdJson.Default.RestoreResponse, Options.AdminTimeout, cancellationToken);
}
