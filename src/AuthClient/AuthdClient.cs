using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.AuthClient;

/// <summary>
/// mailfilter-authd's unix-socket API (docs/authd-api.md): HTTP/1.1 with JSON bodies over the socket, pooled
/// keep-alive connections, one timeout per call. Thread-safe; make one per process and share it. Every
/// failure is an <see cref="AuthdException"/>: <see cref="AuthdUnavailableException"/> when authd (or its
/// database) cannot answer now, <see cref="AuthdRequestException"/> when it refused the request.
/// </summary>
public sealed partial class AuthdClient : IDisposable
{
    private readonly HttpClient _http;

    public AuthdClient(AuthdClientOptions? options = null)
    {
        Options = options ?? new AuthdClientOptions();
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        // The host name is never resolved (ConnectCallback goes to the socket); it only fills the Host header.
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://authd/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public AuthdClientOptions Options { get; }

    /// <summary>The current key of <paramref name="address"/> for <paramref name="use"/>, created on first use
    /// when <paramref name="create"/> and the address is in a local domain; null if it has none.</summary>
    public Task<KeyInfo?> GetCurrentKeyAsync(string address, KeyUse use, bool create = true, CancellationToken cancellationToken = default) =>
        SendOrNullAsync(HttpMethod.Post, AuthdRoutes.CurrentKey, new CurrentKeyRequest { Address = address, Use = use, Create = create },
            AuthdJson.Default.CurrentKeyRequest, AuthdJson.Default.KeyInfo, cancellationToken);

    /// <summary>The key with this kid (any use, current or not, revoked or not); null if unknown.</summary>
    public Task<KeyInfo?> GetKeyAsync(KeyId kid, CancellationToken cancellationToken = default) =>
        SendOrNullAsync<object, KeyInfo>(HttpMethod.Get, AuthdRoutes.Keys + "?kid=" + Uri.EscapeDataString(kid.ToString()), null, null, AuthdJson.Default.KeyInfo, cancellationToken);

    /// <summary>
    /// The key with this kid, and when <paramref name="address"/> is given and authd has no such key of its own,
    /// the key of that address found by discovery (docs/authd-api.md §3.3): the signer's address (the
    /// signature header's <c>i=</c>, the manifest's sender) lets authd ask the right peer. Null if unknown (or
    /// rejected by the admin). Throws <see cref="AuthdUnavailableException"/> when the peer does not answer
    /// ("peer-unavailable") or the kid is an unconfirmed pin change ("pin-unconfirmed"): tempfail.
    /// </summary>
    public Task<KeyInfo?> GetKeyAsync(KeyId kid, string? address, CancellationToken cancellationToken = default) =>
        SendOrNullAsync<object, KeyInfo>(HttpMethod.Get,
            AuthdRoutes.Keys + "?kid=" + Uri.EscapeDataString(kid.ToString()) + (address is null ? string.Empty : "&address=" + Uri.EscapeDataString(address)),
            null, null, AuthdJson.Default.KeyInfo, cancellationToken);

    /// <summary>Every key of <paramref name="address"/>, current first (empty if none).</summary>
    public async Task<IReadOnlyList<KeyInfo>> GetKeysAsync(string address, CancellationToken cancellationToken = default) =>
        (await SendAsync<object, KeyList>(HttpMethod.Get, AuthdRoutes.Keys + "?address=" + Uri.EscapeDataString(address), null, null,
            AuthdJson.Default.KeyList, Options.RequestTimeout, cancellationToken).ConfigureAwait(false)).Keys;

    /// <summary>Signs <paramref name="toBeSigned"/> with the address's current signing key (which must be <paramref name="kid"/> when given).</summary>
    public Task<SignResponse> SignAsync(string address, string? kid, SignaturePurpose purpose, ReadOnlyMemory<byte> toBeSigned, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AuthdRoutes.Sign,
            new SignRequest { Address = address, Kid = kid, Purpose = SignaturePurposeNames.ToWire(purpose), Data = toBeSigned.ToArray() },
            AuthdJson.Default.SignRequest, AuthdJson.Default.SignResponse, Options.RequestTimeout, cancellationToken);

    /// <summary>Asks authd to unwrap the file key for <paramref name="address"/>. The reply's file key is a secret: zero it after use.</summary>
    public Task<UnwrapResponse> UnwrapAsync(string address, UnwrapRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new UnwrapRequestBody
        {
            Address = address,
            Stanzas = [.. request.Stanzas.Select(s => new StanzaBody { Share = s.EphemeralShare.ToArray(), Body = s.Body.ToArray() })],
            Hint = request.HintKids?.Select(k => k.ToString()).ToArray(),
        };
        return SendAsync(HttpMethod.Post, AuthdRoutes.Unwrap, body, AuthdJson.Default.UnwrapRequestBody, AuthdJson.Default.UnwrapResponse, Options.RequestTimeout, cancellationToken);
    }

    /// <summary>authd's state: version, database, key counts, and the caller's credentials as authd saw them.</summary>
    public Task<StatusResponse> GetStatusAsync(CancellationToken cancellationToken = default) =>
        SendAsync<object, StatusResponse>(HttpMethod.Get, AuthdRoutes.Status, null, null, AuthdJson.Default.StatusResponse, Options.RequestTimeout, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<TResponse?> SendOrNullAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest? body,
        JsonTypeInfo<TRequest>? requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : class
    {
        try
        {
            return await SendAsync(method, path, body, requestType, responseType, Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthdRequestException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest? body,
        JsonTypeInfo<TRequest>? requestType, JsonTypeInfo<TResponse> responseType, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, requestType, timeout, cancellationToken).ConfigureAwait(false);
        return await ReadAnswerAsync(response, path, responseType, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<TResponse> ReadAnswerAsync<TResponse>(HttpResponseMessage response, string path, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(responseType, cancellationToken).ConfigureAwait(false)
                ?? throw new AuthdUnavailableException("bad-reply", $"mailfilter-authd sent an empty answer to {path}");
        }
        catch (JsonException e)
        {
            throw new AuthdUnavailableException("bad-reply", $"mailfilter-authd sent a malformed answer to {path}", null, e);
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync<TRequest>(HttpMethod method, string path, TRequest? body,
        JsonTypeInfo<TRequest>? requestType, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null && requestType is not null)
            {
                request.Content = JsonContent.Create(body, requestType);
            }

            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AuthdUnavailableException("timeout",
                $"mailfilter-authd at {Options.SocketPath} did not answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", null, e);
        }
        catch (HttpRequestException e)
        {
            var reason = e.InnerException is SocketException se ? se.Message : e.Message;
            throw new AuthdUnavailableException("unreachable", $"mailfilter-authd is not reachable at {Options.SocketPath}: {reason}", null, e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ToExceptionAsync(response, path).ConfigureAwait(false);
        }
    }

    private static async Task<AuthdException> ToExceptionAsync(HttpResponseMessage response, string path)
    {
        int status = (int)response.StatusCode;
        ErrorResponse? error = null;
        try
        {
            error = await response.Content.ReadFromJsonAsync(AuthdJson.Default.ErrorResponse).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or HttpRequestException)
        {
            // Not one of authd's error bodies (a proxy, a crash): the status alone speaks.
        }

        string code = error?.Error ?? (status >= 500 ? "internal" : "bad-request");
        string message = $"mailfilter-authd refused {path}: {error?.Message ?? response.ReasonPhrase ?? status.ToString(CultureInfo.InvariantCulture)}";
        // The attachment store's refusals are typed: mailfilterd applies its links_store_failure policy to them.
        if (code == AttachmentStoreFullException.Code)
        {
            return new AttachmentStoreFullException(message, status);
        }

        if (code == AttachmentStoreUnavailableException.Code)
        {
            return new AttachmentStoreUnavailableException(message, status);
        }

        // 5xx (the database is down, an internal error) is transient for mail: tempfail and retry.
        return status >= 500
            ? new AuthdUnavailableException(code, message, status)
            : new AuthdRequestException(code, message, status);
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(Options.ConnectTimeout);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Options.SocketPath), cts.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
