using System.Security.Cryptography;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>The two private-key operations (docs/authd-api.md §3.4-3.5): sign a to-be-signed input, unwrap a file key. Service role.</summary>
public static class PrivateKeyEndpoints
{
    /// <summary>docs/envelope.md §3: a header has at most 1,000 X25519 stanzas.</summary>
    public const int MaxStanzas = 1000;

    public static void Map(IEndpointRouteBuilder routes, KeyService keys)
    {
        routes.MapPost(AuthdRoutes.Sign, async context =>
        {
            Api.Require(context, PeerRole.Service);
            var request = await Api.ReadAsync(context, AuthdJson.Default.SignRequest);
            if (!SignaturePurposeNames.TryParse(request.Purpose, out var purpose))
            {
                throw ApiException.BadRequest("purpose must be \"envelope\" or \"signature-header\"");
            }

            var reply = await keys.SignAsync(request.Address, request.Kid, purpose, request.Data, context.RequestAborted);
            await Api.WriteAsync(context, reply, AuthdJson.Default.SignResponse);
        });

        routes.MapPost(AuthdRoutes.Unwrap, async context =>
        {
            Api.Require(context, PeerRole.Service);
            var body = await Api.ReadAsync(context, AuthdJson.Default.UnwrapRequestBody);
            var request = ToUnwrapRequest(body);
            var fileKey = new byte[FileKey.Size];
            try
            {
                var (opened, kid, stanza) = await keys.UnwrapAsync(body.Address, request, fileKey, context.RequestAborted);
                var reply = opened ? new UnwrapResponse { FileKey = fileKey, Kid = kid, Stanza = stanza } : new UnwrapResponse();
                await Api.WriteAsync(context, reply, AuthdJson.Default.UnwrapResponse);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(fileKey);
            }
        });
    }

    private static UnwrapRequest ToUnwrapRequest(UnwrapRequestBody body)
    {
        if (body.Stanzas is not { Count: > 0 and <= MaxStanzas })
        {
            throw ApiException.BadRequest($"give 1 to {MaxStanzas} stanzas");
        }

        var stanzas = new X25519Stanza[body.Stanzas.Count];
        for (int i = 0; i < stanzas.Length; i++)
        {
            var s = body.Stanzas[i];
            if (s?.Share is not { Length: X25519Stanza.ShareSize } || s.Body is not { Length: X25519Stanza.BodySize })
            {
                throw ApiException.BadRequest($"stanza {i}: the share and the body are 32 bytes each");
            }

            stanzas[i] = new X25519Stanza(s.Share, s.Body);
        }

        List<KeyId>? hint = null;
        if (body.Hint is { } kids)
        {
            hint = new List<KeyId>(kids.Count);
            foreach (var k in kids)
            {
                hint.Add(KeyId.TryParse(k, out var kid) ? kid : throw ApiException.BadRequest("a hint kid is not a key id"));
            }
        }

        return new UnwrapRequest(stanzas, hint);
    }
}
