using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Attachments;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer.Web;

/// <summary>
/// Downloads on the public listener (docs/attachments.md §5-§6): <c>GET|HEAD /a/{token}/{name}</c>, checked in this order —
/// the token is known (else 403 "access denied"); the grant is live (not expired, revoked, released, over its download limit)
/// and for the requester's role (a proved mailbox must be the grant's recipient; encrypted mail needs that proof) (else 403
/// "access denied"); the name in the link is the grant's file name (else 404 "invalid access"); then the file, whole or one
/// byte range. <c>POST</c> on the same URL runs the proof-of-mailbox form.
/// </summary>
public static class DownloadPages
{
    /// <summary>Longest request target looked at: "/a/" + 43 + "/" + a 255-byte name percent-encoded (765).</summary>
    public const int MaxTarget = 1024;

    public const string AccessDenied = "access denied";
    public const string InvalidAccess = "invalid access";

    private const int MaxRangeHeader = 100;
    private const int MaxRangeDigits = 18;
    private const int MaxForm = 4096;
    private static readonly UTF8Encoding s_strictUtf8 = new(false, throwOnInvalidBytes: true);

    public static void Map(IEndpointRouteBuilder routes, AttachmentService attachments, MailboxProof proof, AuthdMetrics metrics, ILogger logger)
    {
        routes.MapMethods(AttachmentRoutes.Download + "/{**rest}", [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post],
            context => HandleAsync(context, attachments, proof, metrics, logger));
    }

    private static async Task HandleAsync(HttpContext context, AttachmentService attachments, MailboxProof proof, AuthdMetrics metrics, ILogger logger)
    {
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.CacheControl = "private, no-store";
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? string.Empty;
        int query = target.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            target = target[..query];
        }

        // 1. The token is known.
        string prefix = AttachmentRoutes.Download + "/";
        if (target.Length > MaxTarget || !target.StartsWith(prefix, StringComparison.Ordinal))
        {
            await DenyAsync(context, metrics, logger, "unknown-token", 0);
            return;
        }

        var rest = target.AsSpan(prefix.Length);
        int slash = rest.IndexOf('/');
        var tokenText = slash < 0 ? rest : rest[..slash];
        string nameText = slash < 0 ? string.Empty : rest[(slash + 1)..].ToString();
        Span<byte> token = stackalloc byte[32];
        if (!AttachmentInput.TryParseToken(tokenText, token))
        {
            await DenyAsync(context, metrics, logger, "unknown-token", 0);
            return;
        }

        var grant = await attachments.Repository.GrantByTokenAsync(SHA256.HashData(token), context.RequestAborted);
        if (grant is null)
        {
            await DenyAsync(context, metrics, logger, "unknown-token", 0);
            return;
        }

        // 2. The grant is live and for the requester's role.
        if (grant.State != "live")
        {
            await DenyAsync(context, metrics, logger, grant.State, grant.Id);
            return;
        }

        var proved = await proof.ProvedRecipientAsync(context.Request.Cookies[MailboxProof.CookieName], context.RequestAborted);
        if (proved is not null && !string.Equals(proved, grant.Recipient, StringComparison.Ordinal))
        {
            await DenyAsync(context, metrics, logger, "other-recipient", grant.Id);
            return;
        }

        // 3. The name is the grant's (also before any code is mailed).
        if (DecodeName(nameText) is not { } name || !string.Equals(name, grant.FileName, StringComparison.Ordinal))
        {
            metrics.DownloadRefusals.Increment("wrong-name");
            Log.DownloadRefused(logger, "wrong-name", grant.Id, Client(context));
            await TextAsync(context, StatusCodes.Status404NotFound, InvalidAccess);
            return;
        }

        if (grant.Encrypted && proved is null)
        {
            metrics.DownloadRefusals.Increment("proof-required");
            await ProofPageAsync(context, grant, proof, attachments.Settings.LinkBaseUrl, logger);
            return;
        }

        if (HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.Headers.Allow = "GET, HEAD";
            await TextAsync(context, StatusCodes.Status405MethodNotAllowed, "nothing to post here: the mailbox is proved, or the message was not encrypted");
            return;
        }

        await ServeAsync(context, attachments, grant, metrics, logger);
    }

    private static async Task ServeAsync(HttpContext context, AttachmentService attachments, GrantRow grant, AuthdMetrics metrics, ILogger logger)
    {
        long size = grant.ServedSize;
        var etag = "\"" + Convert.ToHexStringLower(grant.ServedSha256) + "\"";
        var range = ParseRange(context.Request.Headers.Range.ToString(), size);
        if (context.Request.Headers.IfRange.ToString() is { Length: > 0 } ifRange && ifRange != etag)
        {
            range = RangeRequest.Full;
        }

        var headers = context.Response.Headers;
        headers.AcceptRanges = "bytes";
        headers.ETag = etag;
        if (range.Error is { } error)
        {
            metrics.DownloadRefusals.Increment("bad-range");
            Log.DownloadRefused(logger, "bad-range", grant.Id, Client(context));
            headers.ContentRange = $"bytes */{size}";
            await TextAsync(context, StatusCodes.Status416RangeNotSatisfiable, error);
            return;
        }

        long start = range.IsFull ? 0 : range.Start, end = range.IsFull ? size - 1 : range.End;
        long length = end - start + 1;
        headers.ContentType = grant.ContentType;
        headers.ContentDisposition = ContentDisposition(grant.FileName);
        headers["X-Content-Type-Options"] = "nosniff";
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'";
        context.Response.ContentLength = length;
        if (!range.IsFull)
        {
            headers.ContentRange = $"bytes {start}-{end}/{size}";
        }

        int status = range.IsFull ? StatusCodes.Status200OK : StatusCodes.Status206PartialContent;
        context.Response.StatusCode = status;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            metrics.Downloads.Increment("head");
            return;
        }

        // The check and the count are one statement: concurrent downloads never pass the limit.
        if (!await attachments.Repository.CountDownloadAsync(grant.Id, context.RequestAborted))
        {
            headers.Remove("Content-Disposition");
            headers.Remove("Content-Range");
            await DenyAsync(context, metrics, logger, "exhausted", grant.Id);
            return;
        }

        try
        {
            await attachments.Store.CopyRangeAsync(grant.ServedSha256, size, grant.ServedObjectName, start, end, context.Response.Body, context.RequestAborted);
        }
        catch (StoreUnavailableException e)
        {
            Log.StoreFailed(logger, e.Message);
            if (!context.Response.HasStarted)
            {
                context.Response.ContentLength = null;
                headers.Remove("Content-Disposition");
                await TextAsync(context, StatusCodes.Status503ServiceUnavailable, "the file cannot be read now: try again later");
                return;
            }

            context.Abort();
            return;
        }

        metrics.Downloads.Increment(range.IsFull ? "full" : "range");
        metrics.DownloadBytes.Add(length);
        Log.Downloaded(logger, grant.Id, grant.Recipient, grant.FileName, status, length, Client(context));
    }

    /// <summary>The proof-of-mailbox page and its two forms: mail a code, enter it (docs/attachments.md §6).</summary>
    private static async Task ProofPageAsync(HttpContext context, GrantRow grant, MailboxProof proof, string linkBase, ILogger logger)
    {
        string masked = Mask(grant.Recipient);
        string intro = $"""
            <p id="proof">"{Html.E(grant.FileName)}" was sent in an encrypted message to {Html.E(masked)}. Before it is released, show that the
            mailbox is yours: a one-time code is mailed to it.</p>
            """;
        string sendForm = """<form method="post"><input type="hidden" name="action" value="send"><p><button type="submit" id="send">Mail me a code</button></p></form>""";
        string codeForm = """
            <form method="post"><input type="hidden" name="action" value="verify">
            <label for="code">Code from the mail</label><input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="8">
            <p><button type="submit" id="verify">Download</button></p></form>
            """;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await Html.WriteAsync(context, "Proof of mailbox needed", intro + sendForm, StatusCodes.Status403Forbidden);
            return;
        }

        IFormCollection form;
        try
        {
            form = await RegistryPages.ReadFormAsync(context, MaxForm);
        }
        catch (ApiException e)
        {
            await Html.WriteAsync(context, "Proof of mailbox needed", $"<p id=\"error\" role=\"alert\">{Html.E(e.Message)}</p>" + intro + sendForm, e.Status);
            return;
        }

        switch (form["action"].ToString())
        {
            case "send":
                bool mailed = await proof.SendCodeAsync(grant.Recipient, grant.FileName, grant.Id, context.RequestAborted);
                await Html.WriteAsync(context, "Enter the code", (mailed
                    ? $"<p id=\"sent\">A code is on its way to {Html.E(masked)}.</p>"
                    : $"<p id=\"sent\">A code was mailed to {Html.E(masked)} a moment ago: use that one.</p>") + codeForm);
                return;
            case "verify":
                var session = await proof.RedeemAsync(grant.Recipient, form["code"].ToString(), context.RequestAborted);
                if (session is null)
                {
                    Log.ProofCodeWrong(logger, grant.Recipient, Client(context));
                    await Html.WriteAsync(context, "Enter the code",
                        "<p id=\"error\" role=\"alert\">That code is wrong, used or expired. Enter the code from the latest mail, or ask for a new one.</p>" + codeForm + sendForm,
                        StatusCodes.Status403Forbidden);
                    return;
                }

                Log.MailboxProved(logger, grant.Recipient, Client(context));
                context.Response.Cookies.Append(MailboxProof.CookieName, session, new CookieOptions
                {
                    Path = AttachmentRoutes.Download + "/",
                    HttpOnly = true,
                    SameSite = SameSiteMode.Lax,
                    Secure = linkBase.StartsWith("https:", StringComparison.Ordinal),
                    MaxAge = proof.ProofTtl,
                });
                context.Response.StatusCode = StatusCodes.Status303SeeOther;
                context.Response.Headers.Location = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value;
                return;
            default:
                await Html.WriteAsync(context, "Proof of mailbox needed", "<p id=\"error\" role=\"alert\">action: must be send or verify</p>" + intro + sendForm,
                    StatusCodes.Status400BadRequest);
                return;
        }
    }

    /// <summary>The file name from the link's last segment: percent-decoded bytes that must be UTF-8 and a valid file name; null otherwise.</summary>
    public static string? DecodeName(string encoded)
    {
        if (encoded.Length == 0 || encoded.Length > AttachmentInput.MaxFileNameBytes * 3)
        {
            return null;
        }

        var bytes = new byte[encoded.Length];
        int n = 0;
        for (int i = 0; i < encoded.Length; i++)
        {
            char c = encoded[i];
            if (c == '%')
            {
                if (i + 2 >= encoded.Length || !char.IsAsciiHexDigit(encoded[i + 1]) || !char.IsAsciiHexDigit(encoded[i + 2]))
                {
                    return null;
                }

                bytes[n++] = (byte)Convert.ToInt32(encoded.Substring(i + 1, 2), 16);
                i += 2;
            }
            else if (c is > ' ' and < (char)127 && c != '/')
            {
                bytes[n++] = (byte)c;
            }
            else
            {
                return null;
            }
        }

        string name;
        try
        {
            name = s_strictUtf8.GetString(bytes, 0, n);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        return AttachmentInput.FileNameProblem(name) is null ? name : null;
    }

    /// <summary>RFC 6266: an ASCII fallback and the exact name as RFC 8187 UTF-8.</summary>
    public static string ContentDisposition(string fileName)
    {
        var fallback = new StringBuilder(fileName.Length);
        foreach (char c in fileName)
        {
            fallback.Append(c is >= ' ' and < (char)127 and not '"' and not '\\' and not '%' ? c : '_');
        }

        return $"attachment; filename=\"{fallback}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
    }

    /// <summary>One byte range (RFC 9110 §14.1.2) within <paramref name="size"/>: full when there is no Range; an error text for anything else.</summary>
    public static RangeRequest ParseRange(string? header, long size)
    {
        if (string.IsNullOrEmpty(header))
        {
            return RangeRequest.Full;
        }

        if (header.Length > MaxRangeHeader)
        {
            return RangeRequest.Bad($"the Range header is longer than {MaxRangeHeader} characters");
        }

        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return RangeRequest.Bad("only byte ranges are served: Range: bytes=FIRST-LAST");
        }

        var spec = header[6..].Trim();
        if (spec.Contains(',', StringComparison.Ordinal))
        {
            return RangeRequest.Bad("only one range per request is served");
        }

        int dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return RangeRequest.Bad("malformed range: use bytes=FIRST-LAST, bytes=FIRST- or bytes=-SUFFIX");
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (!Digits(first) || !Digits(last) || (first.Length == 0 && last.Length == 0))
        {
            return RangeRequest.Bad("malformed range (negative or not a number): use bytes=FIRST-LAST, bytes=FIRST- or bytes=-SUFFIX");
        }

        if (first.Length > MaxRangeDigits || last.Length > MaxRangeDigits)
        {
            return RangeRequest.Bad($"range out of bounds: the file has {size} bytes");
        }

        if (size == 0)
        {
            return RangeRequest.Bad("the file is empty: no range can be served");
        }

        if (first.Length == 0)
        {
            long suffix = long.Parse(last, CultureInfo.InvariantCulture);
            return suffix == 0 ? RangeRequest.Bad("a suffix range of 0 bytes is empty") : RangeRequest.Of(Math.Max(0, size - suffix), size - 1);
        }

        long start = long.Parse(first, CultureInfo.InvariantCulture);
        long end = last.Length == 0 ? size - 1 : long.Parse(last, CultureInfo.InvariantCulture);
        if (start >= size)
        {
            return RangeRequest.Bad($"range not satisfiable: the file has {size} bytes");
        }

        if (end < start)
        {
            return RangeRequest.Bad("malformed range: the last byte is before the first");
        }

        return RangeRequest.Of(start, Math.Min(end, size - 1));

        static bool Digits(string s) => s.All(char.IsAsciiDigit);
    }

    private static async Task DenyAsync(HttpContext context, AuthdMetrics metrics, ILogger logger, string reason, long grant)
    {
        metrics.DownloadRefusals.Increment(reason);
        Log.DownloadRefused(logger, reason, grant, Client(context));
        await TextAsync(context, StatusCodes.Status403Forbidden, AccessDenied);
    }

    private static Task TextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        var body = Encoding.UTF8.GetBytes(text + "\n");
        context.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static string Mask(string address)
    {
        int at = address.LastIndexOf('@');
        return at <= 1 ? "***" + address[Math.Max(0, at)..] : address[0] + "***" + address[at..];
    }

    private static string Client(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "-";
}

/// <summary>What a Range header asks for: everything, one range, or an error to answer 416 with.</summary>
public readonly record struct RangeRequest(bool IsFull, long Start, long End, string? Error)
{
    public static RangeRequest Full => new(true, 0, 0, null);

    public static RangeRequest Of(long start, long end) => new(false, start, end, null);

    public static RangeRequest Bad(string error) => new(false, 0, 0, error);
}
