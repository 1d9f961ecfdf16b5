using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Endpoints;

namespace MailFilter.AuthServer.Registry;

/// <summary>
/// Asks another domain's registry (docs/registry.md §4.1): one POST to the public listener the [discovery] map names,
/// with the limits of key discovery (no redirects, no proxy, a bounded answer, one timeout). A peer that does not
/// answer, or answers nonsense, is 503 <c>peer-unavailable</c>: mailfilterd tempfails and the queue retries.
/// </summary>
public sealed class RegistryPeerClient : IDisposable
{
    public const int MaxAnswerBytes = 64 * 1024;

    private readonly Lazy<HttpClient> _http;
    private readonly TimeSpan _timeout;

    public RegistryPeerClient(TimeSpan timeout)
    {
        _timeout = timeout;
        _http = Discovery.PeerHttp.CreateLazy(timeout, MaxAnswerBytes);
    }

    public async Task<RegistryAnswer> VerifyAsync(Uri peer, ValidQuery query, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        string failure;
        try
        {
            var body = new RegistryQuery
            {
                Sender = query.Sender,
                Recipient = query.Recipient,
                Date = query.Date.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ConfirmationNo = query.Number.Text,
                Signature = query.Signature,
            };
            using var response = await _http.Value.PostAsync(new Uri(peer, AuthdRoutes.PublicRegistryVerify), JsonContent.Create(body, AuthdJson.Default.RegistryQuery), cts.Token);
            if (response.StatusCode == HttpStatusCode.OK
                && await response.Content.ReadFromJsonAsync(AuthdJson.Default.RegistryAnswer, cts.Token) is { Result: RegistryAnswer.Match or RegistryAnswer.Mismatch or RegistryAnswer.NotRegistered } answer)
            {
                return new RegistryAnswer
                {
                    Result = answer.Result,
                    RegisteredAt = answer.RegisteredAt,
                    Display = answer.Display is { } d && (d.Company?.Length ?? 0) <= 200 && (d.Name?.Length ?? 0) <= 200 ? d : null,
                };
            }

            failure = $"answered HTTP {((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = $"no answer within {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
        }
        catch (HttpRequestException e)
        {
            failure = e.InnerException?.Message ?? e.Message;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            failure = "sent a malformed answer";
        }

        throw new ApiException(503, "peer-unavailable", $"the registry of {peer.GetLeftPart(UriPartial.Authority)} does not answer: {failure}");
    }

    public void Dispose() => Discovery.PeerHttp.Dispose(_http);
}
