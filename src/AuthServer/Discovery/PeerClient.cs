using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Discovery;

/// <summary>
/// Fetches an address's keys from a peer's public listener (docs/authd-api.md §7.3): one GET to a URL from
/// the [discovery] map (never one derived from the address: nothing from outside chooses where authd
/// connects), no redirects, no proxy, a bounded answer, one timeout for connecting and reading. The answer
/// is checked before anyone trusts it: every key belongs to the address, has the algorithm of its use and
/// the kid of its public key, at most one is current per use. Never throws: failures are answers too.
/// </summary>
public sealed class PeerClient : IDisposable
{
    /// <summary>The largest answer read: a key object is about 600 bytes; an address with a thousand keys is absurd already.</summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    public const int MaxKeys = 1000;

    private readonly Lazy<HttpClient> _http;
    private readonly TimeSpan _timeout;

    public PeerClient(TimeSpan timeout)
    {
        _timeout = timeout;
        _http = PeerHttp.CreateLazy(timeout, MaxAnswerBytes);
    }

    public async Task<PeerAnswer> FetchAsync(Uri peer, string address, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        try
        {
            using var response = await _http.Value.GetAsync(new Uri(peer, AuthdRoutes.Discovery + "?address=" + Uri.EscapeDataString(address)),
                HttpCompletionOption.ResponseContentRead, cts.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return PeerAnswer.None;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                return PeerAnswer.Failed($"answered HTTP {((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)}");
            }

            var body = await response.Content.ReadFromJsonAsync(AuthdJson.Default.DiscoveryResponse, cts.Token);
            return body is null ? PeerAnswer.Failed("sent an empty answer") : Check(address, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return PeerAnswer.Failed($"no answer within {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException e)
        {
            return PeerAnswer.Failed(e.InnerException?.Message ?? e.Message);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return PeerAnswer.Failed("sent a malformed answer");
        }
    }

    /// <summary>The checks of the class comment; any failure rejects the whole answer (a peer that lies about one key is not believed about the others).</summary>
    public static PeerAnswer Check(string address, DiscoveryResponse body)
    {
        var keys = body.Keys ?? [];
        var rotations = body.Rotations ?? [];
        if (keys.Count > MaxKeys || rotations.Count > MaxKeys)
        {
            return PeerAnswer.Failed($"listed more than {MaxKeys} keys or rotations");
        }

        var kids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            // JSON null passes for the required members of the wire type: check every one used below.
            if (key?.Address is null || key.Kid is null || key.PublicKey is null || key.Algorithm is null
                || !AddressCanonicalizer.TryCanonicalize(key.Address, out var owner) || owner != address)
            {
                return PeerAnswer.Failed($"listed a key of another address than {address}");
            }

            try
            {
                // The conversions check the algorithm against the use and the kid against the public key.
                _ = key.Use == KeyUse.Sign ? KeyInfoConversions.ToEd25519(key).KeyId : KeyInfoConversions.ToX25519(key).KeyId;
            }
            catch (Exception e) when (e is AuthdUnavailableException or ArgumentException)
            {
                return PeerAnswer.Failed($"listed key {key.Kid} whose public key does not match its kid or use");
            }

            if (key.Algorithm != (key.Use == KeyUse.Sign ? "ed25519" : "x25519") || !kids.Add(key.Kid)
                || key.Origin is null || key.Origin.Length > 32 || key.RevocationReason is { Length: > 500 })
            {
                return PeerAnswer.Failed($"listed key {key.Kid} twice or with a bad algorithm, origin or reason");
            }
        }

        if (keys.GroupBy(k => k.Use).Any(g => g.Count(k => k.Current) > 1))
        {
            return PeerAnswer.Failed("listed two current keys for one use");
        }

        foreach (var r in rotations)
        {
            if (r?.OldKid is null || r.NewKid is null || r.SignerKid is null || !KeyId.TryParse(r.OldKid, out _) || !KeyId.TryParse(r.NewKid, out _) || !KeyId.TryParse(r.SignerKid, out _)
                || r.Signature is not { Length: Ed25519PublicKey.SignatureSize } || r.Use is not (KeyUse.Sign or KeyUse.Encrypt))
            {
                return PeerAnswer.Failed("listed a malformed rotation announcement");
            }
        }

        return new PeerAnswer(PeerAnswerKind.Keys, keys, rotations);
    }

    public void Dispose() => PeerHttp.Dispose(_http);
}
