using System.Security.Cryptography;
using System.Text;
using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using MailFilter.AuthServer.Registry;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer.Attachments;

/// <summary>
/// Proof of mailbox for downloads of encrypted mail (docs/attachments.md §6): an 8-digit one-time code mailed to the
/// grant's recipient through the registry's mail path, redeemed on the download page for a browser session bound to that
/// recipient. Codes and sessions are stored as SHA-256 only; a recipient gets at most one code mail per
/// <c>code_resend_interval</c>; five wrong codes void the recipient's live codes.
/// </summary>
public sealed class MailboxProof
{
    public const string CookieName = "mf_proof";
    public const int MaxCodeFailures = 5;

    private readonly AttachmentRepository _repository;
    private readonly LiveSettings _live;
    private readonly string _host;
    private readonly ILogger _logger;

    public MailboxProof(AttachmentRepository repository, LiveSettings settings, ILogger logger)
    {
        _repository = repository;
        _live = settings;
        _host = System.Net.Dns.GetHostName();
        _logger = logger;
    }

    // Read where used, so a reload (SIGHUP) applies to the next request.
    private AttachmentSettings Settings => _live.Current.Attachments;

    private string MailFrom => Settings.MailFrom ?? _live.Current.Registry.MailFrom
        ?? "mailfilter-attachments@" + (_live.Current.LocalDomains.Order(StringComparer.Ordinal).FirstOrDefault() ?? "localhost");

    private SmtpSubmitter Smtp => new(_live.Current.Registry.SmtpHost, _live.Current.Registry.SmtpPort, _host, TimeSpan.FromSeconds(30));

    /// <summary>Mails a new code to <paramref name="recipient"/> unless one went out less than code_resend_interval ago; true if mailed now.</summary>
    public async Task<bool> SendCodeAsync(string recipient, string fileName, long grant, CancellationToken cancellationToken)
    {
        if (await _repository.LastCodeAsync(recipient, cancellationToken) is { } last && DateTime.UtcNow - DateTime.SpecifyKind(last, DateTimeKind.Utc) < Settings.CodeResendInterval)
        {
            return false;
        }

        var code = RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        await _repository.InsertCodeAsync(recipient, CodeHash(recipient, code), Database.Now() + Settings.CodeTtl, cancellationToken);
        var minutes = Math.Round(Settings.CodeTtl.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = RegistryMail.Compose(MailFrom, recipient, "Your code to download an attachment", _host, $"""
            Someone (hopefully you) wants to download "{fileName}", an attachment of an encrypted
            message sent to {recipient}. To show that the mailbox is yours, enter this code on the
            download page:

                {code}

            The code is valid for {minutes} minutes and can be used once. If you did not ask for it,
            ignore this mail: without the code the file is not released.
            """, "MailFilter attachments");
        try
        {
            await Smtp.SendAsync(MailFrom, recipient, message, cancellationToken);
        }
        catch (IOException e)
        {
            Log.StoreFailed(_logger, $"the proof code mail to {recipient} could not be submitted: {e.Message}");
            throw new ApiException(503, "mail-unavailable", "the code could not be mailed now: try again in a few minutes");
        }

        Log.ProofCodeSent(_logger, recipient, grant);
        return true;
    }

    /// <summary>A new session cookie value if <paramref name="code"/> is a live code of <paramref name="recipient"/>; null otherwise.</summary>
    public async Task<string?> RedeemAsync(string recipient, string code, CancellationToken cancellationToken)
    {
        code = code.Trim();
        if (code.Length != 8 || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var session = RandomNumberGenerator.GetBytes(32);
        bool ok = await _repository.RedeemCodeAsync(recipient, CodeHash(recipient, code), MaxCodeFailures, SHA256.HashData(session), Database.Now() + Settings.ProofTtl, cancellationToken);
        return ok ? System.Buffers.Text.Base64Url.EncodeToString(session) : null;
    }

    /// <summary>The recipient whose mailbox the cookie proves; null if none, unknown or expired.</summary>
    public async Task<string?> ProvedRecipientAsync(string? cookie, CancellationToken cancellationToken)
    {
        Span<byte> session = stackalloc byte[32];
        if (cookie is null || !AttachmentInput.TryParseToken(cookie, session))
        {
            return null;
        }

        return await _repository.SessionRecipientAsync(SHA256.HashData(session), cancellationToken);
    }

    public TimeSpan ProofTtl => Settings.ProofTtl;

    private static byte[] CodeHash(string recipient, string code) => SHA256.HashData(Encoding.UTF8.GetBytes(recipient + "\0" + code));
}
