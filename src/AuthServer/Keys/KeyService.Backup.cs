using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using MailFilter.Crypto;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Keys;

/// <summary>
/// Backups of every key with its private part, encrypted inside authd (the keys never cross the socket in
/// the clear), and restores. The plaintext is JSON (docs/authd-api.md §5):
/// <c>{"format":"mailfilter-keys","version":1,"created":…,"keys":[{address,use,algorithm,kid,publicKey,privateKey,notBefore,notAfter,revokedAt,revocationReason,origin}]}</c>.
/// </summary>
public sealed partial class KeyService
{
    /// <summary>Argon2id cost of passphrase backups: libsodium's MODERATE (256 MiB, 3 passes).</summary>
    internal static Argon2idParameters BackupKdf { get; set; } = Argon2idParameters.Moderate;

    public async Task<byte[]> BackupAsync(BackupRequest request, string actor, CancellationToken cancellationToken)
    {
        var recipients = new List<X25519PublicKey>();
        foreach (var r in request.Recipients ?? [])
        {
            recipients.Add(X25519PublicKey.TryParseAgeRecipient(r.Trim(), out var key) ? key : throw ApiException.BadRequest($"not an age recipient: {r}"));
        }

        if ((recipients.Count > 0) == (request.Passphrase is not null))
        {
            throw ApiException.BadRequest("give either a passphrase or age recipients");
        }

        if (request.Passphrase is { Length: < 8 })
        {
            throw ApiException.BadRequest("the passphrase must be at least 8 characters");
        }

        var rows = await _repository.ListAsync(null, null, cancellationToken);
        using var buffer = new MemoryStream();
        byte[] plaintext;
        Span<byte> secret = stackalloc byte[32];
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("format", "mailfilter-keys");
            writer.WriteNumber("version", 1);
            writer.WriteString("created", DateTimeOffset.UtcNow);
            writer.WriteStartArray("keys");
            foreach (var row in rows)
            {
                var info = KeyMaterial.ToInfo(row);
                writer.WriteStartObject();
                writer.WriteString("address", info.Address);
                writer.WriteString("use", row.KeyUse);
                writer.WriteString("algorithm", info.Algorithm);
                writer.WriteString("kid", info.Kid);
                writer.WriteBase64String("publicKey", info.PublicKey);
                KeyMaterial.Unseal(_sealer, row, secret);
                writer.WriteBase64String("privateKey", secret);
                CryptographicOperations.ZeroMemory(secret);
                writer.WriteString("notBefore", info.NotBefore);
                WriteOptional(writer, "notAfter", info.NotAfter);
                WriteOptional(writer, "revokedAt", info.RevokedAt);
                if (info.RevocationReason is { } reason)
                {
                    writer.WriteString("revocationReason", reason);
                }

                writer.WriteString("origin", info.Origin);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        plaintext = buffer.ToArray();
        CryptographicOperations.ZeroMemory(buffer.GetBuffer());
        try
        {
            var file = recipients.Count > 0
                ? await KeyBackupFile.EncryptToRecipientsAsync(plaintext, recipients, cancellationToken)
                : KeyBackupFile.EncryptWithPassphrase(plaintext, request.Passphrase!, BackupKdf);
            await using var connection = await _repository.Database.OpenAsync(cancellationToken);
            await AuditLog.WriteAsync(connection, null, actor, "keys.backup", null, null,
                $"{rows.Count} keys, to {(recipients.Count > 0 ? string.Join(", ", recipients.Select(r => r.ToAgeRecipient())) : "a passphrase")}", cancellationToken);
            Log.BackupMade(_logger, rows.Count, actor);
            return file;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public async Task<RestoreResponse> RestoreAsync(RestoreRequest request, string actor, CancellationToken cancellationToken)
    {
        var plaintext = await KeyBackupFile.DecryptAsync(request.Data, request.Passphrase, request.Identity, cancellationToken);
        var keys = new List<(string Address, NewKey Key)>();
        Span<byte> secret = stackalloc byte[32];
        try
        {
            using var document = JsonDocument.Parse(plaintext);
            var root = document.RootElement;
            if (root.GetProperty("format").GetString() != "mailfilter-keys" || root.GetProperty("version").GetInt32() != 1)
            {
                throw new ApiException(422, "bad-backup", "not a version 1 MailFilter key backup");
            }

            foreach (var k in root.GetProperty("keys").EnumerateArray())
            {
                var address = Canonical(k.GetProperty("address").GetString());
                var use = k.GetProperty("use").GetString() switch
                {
                    "sign" => KeyUse.Sign,
                    "encrypt" => KeyUse.Encrypt,
                    var other => throw new ApiException(422, "bad-backup", $"unknown key use {other}"),
                };
                if (!k.GetProperty("privateKey").TryGetBytesFromBase64(out var privateBytes) || privateBytes.Length != 32)
                {
                    throw new ApiException(422, "bad-backup", "a private key is not 32 bytes of base64");
                }

                privateBytes.CopyTo(secret);
                CryptographicOperations.ZeroMemory(privateBytes);
                var (kid, publicKey) = KeyMaterial.Describe(use, secret);
                if (kid.ToString() != k.GetProperty("kid").GetString())
                {
                    throw new ApiException(422, "bad-backup", $"the private key of {k.GetProperty("kid").GetString()} does not match its kid");
                }

                var key = KeyMaterial.Seal(_sealer, address, use, kid, publicKey, secret, Time(k, "notBefore")!.Value, "restored") with
                {
                    NotAfter = Time(k, "notAfter"),
                    RevokedAt = Time(k, "revokedAt"),
                    RevocationReason = k.TryGetProperty("revocationReason", out var reason) ? reason.GetString() : null,
                };
                keys.Add((address, key));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ApiException(422, "bad-backup", "the backup's content is malformed");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            CryptographicOperations.ZeroMemory(secret);
        }

        int restored = 0, skipped = 0, demoted = 0;
        foreach (var group in keys.GroupBy(k => k.Address))
        {
            await ChangeAsync(group.Key, actor, cancellationToken, async (connection, transaction, addressId, rows, now, result) =>
            {
                foreach (var (_, key) in group)
                {
                    if (rows.Any(r => r.Kid.AsSpan().SequenceEqual(key.Kid)) || await _repository.GetByKidAsync(key.Kid, cancellationToken) is not null)
                    {
                        skipped++;
                        continue;
                    }

                    var toInsert = key;
                    var current = rows.FirstOrDefault(r => r.KeyUse == key.KeyUse && r.NotAfter is null);
                    if (key.NotAfter is null && current is not null)
                    {
                        // The address has another current key now: keep it, and restore this one as a previous key
                        // (it still opens old mail and verifies old signatures).
                        toInsert = key with { NotAfter = current.NotBefore < key.NotBefore ? key.NotBefore : current.NotBefore };
                        demoted++;
                    }

                    await KeyRepository.InsertAsync(connection, transaction, addressId, toInsert, cancellationToken);
                    if (toInsert.NotAfter is null)
                    {
                        rows.Add(new KeyRow { Address = group.Key, KeyUse = key.KeyUse, Kid = key.Kid, NotBefore = key.NotBefore });
                    }

                    restored++;
                }

                await AuditLog.WriteAsync(connection, transaction, actor, "keys.restore", group.Key, null, $"{group.Count()} keys in the backup", cancellationToken);
            });
        }

        Log.BackupRestored(_logger, restored, skipped, demoted, actor);
        return new RestoreResponse { Restored = restored, Skipped = skipped, Demoted = demoted };
    }

    private static DateTime? Time(JsonElement key, string name) =>
        key.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture).UtcDateTime
            : null;

    private static void WriteOptional(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, v);
        }
    }
}
