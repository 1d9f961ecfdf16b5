using System.Security.Cryptography;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using MailFilter.Crypto.Keys;
using Npgsql;

namespace MailFilter.AuthServer.Keys;

/// <summary>Admin changes: provision, rotate, revoke, import, export the secret. Each runs in one transaction with the address row locked, and writes the audit log.</summary>
public sealed partial class KeyService
{
    public Task<KeyChangeResponse> GenerateAsync(string address, KeyUse? use, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(Canonical(address), actor, cancellationToken, async (connection, transaction, addressId, rows, now, result) =>
        {
            foreach (var u in Uses(use))
            {
                var current = rows.FirstOrDefault(r => r.KeyUse == KeyMaterial.UseName(u) && r.NotAfter is null);
                if (current is not null)
                {
                    result.Unchanged.Add(current);
                    continue;
                }

                var key = KeyMaterial.Generate(_sealer, rows.Address, u, now, "generated");
                await KeyRepository.InsertAsync(connection, transaction, addressId, key, cancellationToken);
                await AuditLog.WriteAsync(connection, transaction, actor, "key.generate", rows.Address, key.Kid, $"{key.KeyUse} key generated", cancellationToken);
                result.CreatedKids.Add(key.Kid);
            }
        });

    public Task<KeyChangeResponse> RotateAsync(string address, KeyUse? use, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(Canonical(address), actor, cancellationToken, async (connection, transaction, addressId, rows, now, result) =>
        {
            // The signing key current before this rotation signs the announcements (docs/authd-api.md §7.2):
            // the key peers have pinned, so they can follow the rotation without asking their admin.
            var signerRow = rows.FirstOrDefault(r => r.KeyUse == "sign" && r.NotAfter is null);
            foreach (var u in Uses(use))
            {
                var current = rows.FirstOrDefault(r => r.KeyUse == KeyMaterial.UseName(u) && r.NotAfter is null);
                if (current is not null)
                {
                    await KeyRepository.RetireCurrentAsync(connection, transaction, addressId, current.KeyUse, now, cancellationToken);
                    result.RetiredKids.Add(current.Kid);
                }

                // The old key stays: it opens mail sealed to it and verifies signatures made before now.
                var key = KeyMaterial.Generate(_sealer, rows.Address, u, now, "rotated");
                await KeyRepository.InsertAsync(connection, transaction, addressId, key, cancellationToken);
                await AuditLog.WriteAsync(connection, transaction, actor, "key.rotate", rows.Address, key.Kid,
                    current is null ? $"{key.KeyUse} key created (no previous key)" : $"{key.KeyUse} key replaces {KeyId.FromBytes(current.Kid)}", cancellationToken);
                result.CreatedKids.Add(key.Kid);
                if (current is not null && signerRow is not null)
                {
                    var signature = SignRotation(signerRow, rows.Address, u, current.Kid, key, now);
                    await KeyRotations.InsertAsync(connection, transaction, addressId, key.KeyUse, current.Kid, key.Kid, signerRow.Kid, now, signature, cancellationToken);
                    Log.RotationAnnounced(_logger, rows.Address, key.KeyUse, KeyId.FromBytes(key.Kid).ToString(), KeyId.FromBytes(current.Kid).ToString(),
                        KeyId.FromBytes(signerRow.Kid).ToString());
                }
            }
        });

    private byte[] SignRotation(KeyRow signerRow, string address, KeyUse use, byte[] oldKid, NewKey key, DateTime rotatedAt)
    {
        Span<byte> seed = stackalloc byte[32];
        try
        {
            KeyMaterial.Unseal(_sealer, signerRow, seed);
            using var signer = Ed25519PrivateKey.ImportSeed(seed);
            return RotationStatement.Sign(signer, address, use, KeyId.FromBytes(oldKid), KeyId.FromBytes(key.Kid), key.PublicKey,
                new DateTimeOffset(DateTime.SpecifyKind(rotatedAt, DateTimeKind.Utc)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public async Task<KeyChangeResponse> RevokeAsync(RevokeRequest request, string actor, CancellationToken cancellationToken)
    {
        string address;
        byte[]? kid = null;
        if (request.Kid is not null)
        {
            if (!KeyId.TryParse(request.Kid, out var parsed))
            {
                throw ApiException.BadRequest("not a key id (22 characters of unpadded base64)");
            }

            kid = parsed.ToArray();
            var row = await _repository.GetByKidAsync(kid, cancellationToken) ?? throw ApiException.NotFound("no-key", $"no key {request.Kid}");
            address = row.Address;
        }
        else
        {
            address = Canonical(request.Address ?? throw ApiException.BadRequest("give a kid or an address"));
        }

        return await ChangeAsync(address, actor, cancellationToken, async (connection, transaction, addressId, rows, now, result) =>
        {
            var targets = kid is not null
                ? rows.Where(r => r.Kid.AsSpan().SequenceEqual(kid))
                : rows.Where(r => r.NotAfter is null && (request.Use is null || r.KeyUse == KeyMaterial.UseName(request.Use.Value)));
            foreach (var row in targets.ToList())
            {
                if (row.RevokedAt is not null)
                {
                    result.Unchanged.Add(row);
                    continue;
                }

                await KeyRepository.RevokeAsync(connection, transaction, row.Kid, now, request.Reason, cancellationToken);
                await AuditLog.WriteAsync(connection, transaction, actor, "key.revoke", address, row.Kid, request.Reason ?? "revoked", cancellationToken);
                result.RevokedKids.Add(row.Kid);
                Log.KeyRevoked(_logger, address, row.KeyUse, KeyId.FromBytes(row.Kid).ToString(), actor);
            }

            if (result.RevokedKids.Count == 0 && result.Unchanged.Count == 0)
            {
                throw ApiException.NotFound("no-key", $"{address} has no current key to revoke");
            }
        });
    }

    public Task<KeyChangeResponse> ImportAsync(ImportRequest request, string actor, CancellationToken cancellationToken)
    {
        var address = Canonical(request.Address);
        Span<byte> secret = stackalloc byte[32];
        KeyId kid;
        byte[] publicKey;
        try
        {
            ParseSecret(request.Use, request.PrivateKey, secret);
            (kid, publicKey) = KeyMaterial.Describe(request.Use, secret);
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest(request.Use == KeyUse.Encrypt
                ? "an encryption key is imported as an age identity (AGE-SECRET-KEY-1...)"
                : "a signing key is imported as the base64 of its 32-byte Ed25519 seed");
        }

        var sealedKey = KeyMaterial.Seal(_sealer, address, request.Use, kid, publicKey, secret, Database.Now(), "imported");
        CryptographicOperations.ZeroMemory(secret);
        return ChangeAsync(address, actor, cancellationToken, async (connection, transaction, addressId, rows, now, result) =>
        {
            if (await _repository.GetByKidAsync(sealedKey.Kid, cancellationToken) is not null)
            {
                throw ApiException.Conflict("key-exists", $"key {kid} is already stored");
            }

            if (await KeyRepository.RetireCurrentAsync(connection, transaction, addressId, sealedKey.KeyUse, now, cancellationToken))
            {
                result.RetiredKids.AddRange(rows.Where(r => r.KeyUse == sealedKey.KeyUse && r.NotAfter is null).Select(r => r.Kid));
            }

            await KeyRepository.InsertAsync(connection, transaction, addressId, sealedKey with { NotBefore = now }, cancellationToken);
            await AuditLog.WriteAsync(connection, transaction, actor, "key.import", address, sealedKey.Kid, $"{sealedKey.KeyUse} key imported", cancellationToken);
            result.CreatedKids.Add(sealedKey.Kid);
        });
    }

    /// <summary>The emergency export (root only, checked by the endpoint): the X25519 identities of an address. Audited and logged, never with the secret.</summary>
    public async Task<ExportSecretResponse> ExportSecretAsync(ExportSecretRequest request, string actor, CancellationToken cancellationToken)
    {
        var address = Canonical(request.Address);
        var rows = (await _repository.GetByAddressAsync(address, "encrypt", cancellationToken))
            .Where(r => request.Kid is null || KeyId.FromBytes(r.Kid).ToString() == request.Kid).ToList();
        if (rows.Count == 0)
        {
            throw ApiException.NotFound("no-key", request.Kid is null ? $"{address} has no encryption key" : $"{address} has no encryption key {request.Kid}");
        }

        var identities = new List<SecretIdentity>();
        foreach (var row in rows)
        {
            identities.Add(new SecretIdentity { Key = KeyMaterial.ToInfo(row), Identity = ExportIdentity(row) });
        }

        await using var connection = await _repository.Database.OpenAsync(cancellationToken);
        foreach (var row in rows)
        {
            await AuditLog.WriteAsync(connection, null, actor, "key.export-secret", address, row.Kid, "X25519 identity exported", cancellationToken);
            Log.SecretExported(_logger, address, KeyId.FromBytes(row.Kid).ToString(), actor);
        }

        return new ExportSecretResponse { Identities = identities };
    }

    private string ExportIdentity(KeyRow row)
    {
        Span<byte> secret = stackalloc byte[32];
        Span<char> text = stackalloc char[X25519PrivateKey.AgeIdentityLength];
        try
        {
            KeyMaterial.Unseal(_sealer, row, secret);
            using var key = X25519PrivateKey.Import(secret);
            int n = key.ExportAgeIdentity(text);
            return new string(text[..n]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            text.Clear();
        }
    }

    private static KeyUse[] Uses(KeyUse? use) => use is { } u ? [u] : [KeyUse.Sign, KeyUse.Encrypt];

    private static void ParseSecret(KeyUse use, string text, Span<byte> secret)
    {
        text = text.Trim();
        if (use == KeyUse.Encrypt)
        {
            using var key = X25519PrivateKey.ImportAgeIdentity(text);
            key.Export(secret);
        }
        else if (!Convert.TryFromBase64String(text, secret, out int written) || written != 32)
        {
            throw new FormatException("not a base64 32-byte seed");
        }
    }

    private async Task<KeyChangeResponse> ChangeAsync(string address, string actor, CancellationToken cancellationToken, ChangeBody body)
    {
        await using var connection = await _repository.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long addressId = await KeyRepository.LockAddressAsync(connection, transaction, address, DomainOf(address), cancellationToken);
        var rows = new AddressRows(address, await KeyRepository.GetForUpdateAsync(connection, transaction, addressId, cancellationToken));
        var result = new ChangeResult();
        await body(connection, transaction, addressId, rows, Database.Now(), result);
        var after = await KeyRepository.GetForUpdateAsync(connection, transaction, addressId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Invalidate(address);
        KeyInfo[] Pick(List<byte[]> kids) => [.. after.Where(r => kids.Any(k => k.AsSpan().SequenceEqual(r.Kid))).Select(KeyMaterial.ToInfo)];
        foreach (var kid in result.CreatedKids)
        {
            Log.KeyCreated(_logger, address, KeyId.FromBytes(kid).ToString(), actor);
        }

        return new KeyChangeResponse
        {
            Created = Pick(result.CreatedKids),
            Retired = Pick(result.RetiredKids),
            Revoked = Pick(result.RevokedKids),
            Unchanged = [.. result.Unchanged.Select(KeyMaterial.ToInfo)],
        };
    }

    private delegate Task ChangeBody(NpgsqlConnection connection, NpgsqlTransaction transaction, long addressId, AddressRows rows, DateTime now, ChangeResult result);

    private sealed class AddressRows(string address, IReadOnlyList<KeyRow> rows) : List<KeyRow>(rows)
    {
        public string Address { get; } = address;
    }

    private sealed class ChangeResult
    {
        public List<byte[]> CreatedKids { get; } = [];

        public List<byte[]> RetiredKids { get; } = [];

        public List<byte[]> RevokedKids { get; } = [];

        public List<KeyRow> Unchanged { get; } = [];
    }
}
