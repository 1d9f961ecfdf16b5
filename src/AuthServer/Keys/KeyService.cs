using System.Collections.Concurrent;
using System.Security.Cryptography;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MailFilter.AuthServer.Keys;

/// <summary>
/// The key authority: lookups, creation on first use, signing and unwrapping (this file); admin changes
/// (KeyService.Admin.cs); backups (KeyService.Backup.cs). Private keys are unsealed into a cache per
/// (address, use) for <see cref="AuthSettings.KeyCacheTtl"/>, so a signature or an unwrap costs no
/// database round trip; every change made through this authd drops the affected entries at once.
/// </summary>
public sealed partial class KeyService
{
    private readonly ConcurrentDictionary<(string Address, KeyUse Use), CachedKeys> _cache = new();
    private readonly KeyRepository _repository;
    private readonly KeySealer _sealer;
    private readonly LiveSettings _live;
    private readonly ILogger _logger;

    public KeyService(KeyRepository repository, KeySealer sealer, LiveSettings settings, ILogger<KeyService> logger)
    {
        _repository = repository;
        _sealer = sealer;
        _live = settings;
        _logger = logger;
    }

    public int CachedEntries => _cache.Count;

    /// <summary>The canonical form of an address (docs/envelope.md §4), or a 400.</summary>
    public static string Canonical(string? address) =>
        address is not null && AddressCanonicalizer.TryCanonicalize(address.Trim(), out var canonical)
            ? canonical
            : throw ApiException.BadRequest("not a mailbox address (local@domain)");

    public static string DomainOf(string canonicalAddress) => canonicalAddress[(canonicalAddress.LastIndexOf('@') + 1)..];

    public bool IsLocal(string canonicalAddress) => _live.Current.LocalDomains.Contains(DomainOf(canonicalAddress));

    /// <summary>The current key, created on first use when <paramref name="create"/>, the domain is local and creation is enabled; null otherwise.</summary>
    public async Task<KeyInfo?> GetCurrentAsync(string address, KeyUse use, bool create, CancellationToken cancellationToken)
    {
        address = Canonical(address);
        var current = (await GetCachedAsync(address, use, cancellationToken)).Rows.FirstOrDefault(r => r.NotAfter is null)
            ?? (await ReloadAsync(address, use, cancellationToken)).Rows.FirstOrDefault(r => r.NotAfter is null);
        if (current is null && create)
        {
            current = await CreateOnFirstUseAsync(address, use, cancellationToken);
        }

        return current is null ? null : KeyMaterial.ToInfo(current);
    }

    public async Task<KeyInfo?> GetByKidAsync(string kidText, CancellationToken cancellationToken)
    {
        if (!KeyId.TryParse(kidText, out var kid))
        {
            throw ApiException.BadRequest("not a key id (22 characters of unpadded base64)");
        }

        var row = await _repository.GetByKidAsync(kid.ToArray(), cancellationToken);
        return row is null ? null : KeyMaterial.ToInfo(row);
    }

    public async Task<IReadOnlyList<KeyInfo>> GetByAddressAsync(string address, CancellationToken cancellationToken) =>
        [.. (await _repository.GetByAddressAsync(Canonical(address), null, cancellationToken)).Select(KeyMaterial.ToInfo)];

    /// <summary>Signs with the current signing key; <paramref name="kid"/>, when given, must be that key.</summary>
    public async Task<SignResponse> SignAsync(string address, string? kid, SignaturePurpose purpose, byte[] toBeSigned, CancellationToken cancellationToken)
    {
        // docs/envelope.md §5: authd signs only the two input shapes, so one purpose's input can never pass for the other's.
        if (!SigningInput.IsValid(purpose, toBeSigned))
        {
            throw ApiException.BadRequest($"the input is not a valid {SignaturePurposeNames.ToWire(purpose)} to-be-signed input ({toBeSigned.Length} bytes)");
        }

        address = Canonical(address);
        var keys = await GetCachedAsync(address, KeyUse.Sign, cancellationToken);
        if (keys.Signer is null || (kid is not null && kid != keys.SignerKid))
        {
            // The cache may predate a key made by another authd: read again before refusing or creating.
            keys = await ReloadAsync(address, KeyUse.Sign, cancellationToken);
        }

        if (keys.Signer is null && kid is null && await CreateOnFirstUseAsync(address, KeyUse.Sign, cancellationToken) is not null)
        {
            keys = await ReloadAsync(address, KeyUse.Sign, cancellationToken);
        }

        if (keys.Signer is null)
        {
            throw kid is null
                ? ApiException.NotFound("no-key", $"{address} has no signing key" + (IsLocal(address) ? string.Empty : " and is not in a local domain"))
                : ApiException.Conflict("key-rotated", $"{kid} is not the current signing key of {address} (it has none now)");
        }

        if (kid is not null && kid != keys.SignerKid)
        {
            throw ApiException.Conflict("key-rotated", $"{kid} is not the current signing key of {address} (it is {keys.SignerKid})");
        }

        return new SignResponse { Kid = keys.SignerKid!, Signature = keys.Signer.Sign(toBeSigned) };
    }

    /// <summary>
    /// Unwraps the file key with the recipient's decryption keys (docs/envelope.md §6 step 4), writing it to
    /// <paramref name="fileKey"/>. False when no key opens any stanza (or the address has no key).
    /// </summary>
    public async Task<(bool Opened, string? Kid, int Stanza)> UnwrapAsync(string address, UnwrapRequest request, Memory<byte> fileKey, CancellationToken cancellationToken)
    {
        address = Canonical(address);
        var keys = await GetCachedAsync(address, KeyUse.Encrypt, cancellationToken);
        var opened = TryUnwrap(keys, request, fileKey.Span);
        if (!opened.Opened && DateTime.UtcNow - keys.LoadedAt > TimeSpan.FromSeconds(1))
        {
            // The envelope may be sealed to a key another authd created after this cache entry was loaded
            // (a rotation there): read the keys again once before saying that nothing opens.
            opened = TryUnwrap(await ReloadAsync(address, KeyUse.Encrypt, cancellationToken), request, fileKey.Span);
        }

        return opened;
    }

    private static (bool Opened, string? Kid, int Stanza) TryUnwrap(CachedKeys keys, UnwrapRequest request, Span<byte> fileKey)
    {
        try
        {
            return keys.Decryptors.Length > 0 && request.TryUnwrap(keys.Decryptors, fileKey, out var kid, out int index) ? (true, kid.ToString(), index) : (false, null, -1);
        }
        catch (EnvelopeException e) when (e.Error == EnvelopeError.ZeroSharedSecret)
        {
            throw new ApiException(422, "zero-shared-secret", "a stanza's share is a low-order point (all-zero X25519 result)");
        }
    }

    /// <summary>Drops the cached keys of an address (after a change here).</summary>
    public void Invalidate(string address)
    {
        _cache.TryRemove((address, KeyUse.Sign), out _);
        _cache.TryRemove((address, KeyUse.Encrypt), out _);
    }

    private async Task<KeyRow?> CreateOnFirstUseAsync(string address, KeyUse use, CancellationToken cancellationToken)
    {
        if (!_live.Current.CreateOnFirstUse || !IsLocal(address))
        {
            return null;
        }

        var key = KeyMaterial.Generate(_sealer, address, use, Database.Now(), "first-use");
        var row = await _repository.InsertCurrentIfAbsentAsync(address, DomainOf(address), key, cancellationToken);
        if (row is not null)
        {
            Log.KeyCreatedOnFirstUse(_logger, address, KeyMaterial.UseName(use), KeyId.FromBytes(row.Kid).ToString());
        }

        Invalidate(address);
        // Lost the race: another request (here or on another authd) created it; that one is the key.
        return row ?? (await _repository.GetByAddressAsync(address, KeyMaterial.UseName(use), cancellationToken)).FirstOrDefault(r => r.NotAfter is null);
    }

    private async Task<CachedKeys> GetCachedAsync(string address, KeyUse use, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue((address, use), out var cached) && DateTime.UtcNow - cached.LoadedAt < _live.Current.KeyCacheTtl)
        {
            return cached;
        }

        try
        {
            return await ReloadAsync(address, use, cancellationToken);
        }
        catch (NpgsqlException e) when (cached is not null)
        {
            // The database is down: keep serving the keys we had (availability for mail in flight); a
            // revocation made meanwhile takes effect when the database answers again.
            Log.ServingStaleKeys(_logger, address, e.Message);
            return cached;
        }
    }

    private async Task<CachedKeys> ReloadAsync(string address, KeyUse use, CancellationToken cancellationToken)
    {
        var rows = await _repository.GetByAddressAsync(address, KeyMaterial.UseName(use), cancellationToken);
        Ed25519PrivateKey? signer = null;
        KeyRow? signerRow = null;
        var decryptors = new List<X25519PrivateKey>();
        Span<byte> secret = stackalloc byte[32];
        try
        {
            foreach (var row in rows)
            {
                if (use == KeyUse.Sign && row.NotAfter is null)
                {
                    KeyMaterial.Unseal(_sealer, row, secret);
                    signer = Ed25519PrivateKey.ImportSeed(secret);
                    signerRow = row;
                }
                else if (use == KeyUse.Encrypt)
                {
                    KeyMaterial.Unseal(_sealer, row, secret);
                    decryptors.Add(X25519PrivateKey.Import(secret));
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        var entry = new CachedKeys(rows, signer, signerRow, [.. decryptors], DateTime.UtcNow);
        if (rows.Count > 0)
        {
            _cache[(address, use)] = entry;
        }

        return entry;
    }
}
