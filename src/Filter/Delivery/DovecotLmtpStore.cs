using System.Net.Sockets;
using MailFilter.Filter.Delivery.Lmtp;
using MailFilter.Milter;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// Hands each recipient's copy to Dovecot over LMTP (<c>[delivery] dovecot_lmtp</c>), one transaction per recipient
/// because each copy differs (its own Authentication-Results; decrypted for that recipient). Dovecot's answers for
/// the recipient are passed on as they are (a 550 for an unknown user bounces that recipient only); a Dovecot that
/// cannot be reached or breaks off gives 451 4.3.0, so Postfix keeps the message.
/// </summary>
public sealed class DovecotLmtpStore : IMailStore
{
    private readonly MilterEndpoint _endpoint;
    private readonly string _hostname;
    private readonly TimeSpan _timeout;
    private readonly string _spoolDirectory;

    public DovecotLmtpStore(MilterEndpoint endpoint, string hostname, TimeSpan timeout, string spoolDirectory)
    {
        _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _hostname = hostname;
        _timeout = timeout;
        _spoolDirectory = spoolDirectory;
    }

    public string Name => "dovecot";

    public async Task<StoreOutcome> StoreAsync(string mailFrom, string recipient, string? folder, Action<Stream> writeMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeMessage);

        // The message is written out first (the writer is synchronous; the socket is not blocked on it) to a 0600 file
        // that is gone when closed.
        using var copy = new FileStream(Path.Combine(Directory.CreateDirectory(_spoolDirectory).FullName, "mailfilter-dovecot-" + Guid.NewGuid().ToString("N")),
            new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                BufferSize = 64 * 1024,
                Options = FileOptions.DeleteOnClose,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        writeMessage(copy);
        copy.Position = 0;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await using var client = await LmtpClient.ConnectAsync(_endpoint, timeout.Token).ConfigureAwait(false);
            var greeting = await client.ReadReplyAsync(timeout.Token).ConfigureAwait(false);
            if (greeting.Code != 220)
            {
                return Unavailable($"greeting {greeting}");
            }

            var lhlo = await client.LhloAsync(_hostname, timeout.Token).ConfigureAwait(false);
            if (lhlo.Code != 250)
            {
                return Unavailable($"LHLO answered {lhlo}");
            }

            string body = client.Capabilities.Contains("8BITMIME") ? " BODY=8BITMIME" : string.Empty;
            string utf8 = client.Capabilities.Contains("SMTPUTF8") && (mailFrom + recipient).Any(c => c > 127) ? " SMTPUTF8" : string.Empty;
            var mail = await client.CommandAsync($"MAIL FROM:<{mailFrom}>{body}{utf8}", timeout.Token).ConfigureAwait(false);
            if (!mail.IsSuccess)
            {
                return new StoreOutcome(mail, "dovecot refused the sender");
            }

            var rcpt = await client.CommandAsync($"RCPT TO:<{WithDetail(recipient, folder)}>", timeout.Token).ConfigureAwait(false);
            if (!rcpt.IsSuccess)
            {
                return new StoreOutcome(rcpt, "dovecot refused the recipient");
            }

            var data = await client.CommandAsync("DATA", timeout.Token).ConfigureAwait(false);
            if (data.Code != 354)
            {
                return new StoreOutcome(data.IsSuccess ? new LmtpReply(451, "4.3.0", "unexpected reply to DATA") : data, "dovecot refused DATA");
            }

            await client.SendDataAsync(copy, timeout.Token).ConfigureAwait(false);
            var stored = await client.ReadReplyAsync(timeout.Token).ConfigureAwait(false); // RFC 2033: one reply per recipient
            await TryQuitAsync(client, timeout.Token).ConfigureAwait(false);
            return new StoreOutcome(stored, stored.IsSuccess ? null : "dovecot refused the message");
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Unavailable(e is OperationCanceledException ? "timeout" : e.Message);
        }
    }

    /// <summary>
    /// A folder is asked for as the address detail (<c>bob+Quarantine@example.test</c>): Dovecot saves there with
    /// <c>lmtp_save_to_detail_mailbox = yes</c> and <c>recipient_delimiter = +</c> (and creates it with
    /// <c>lda_mailbox_autocreate = yes</c>); docs/configuration.md.
    /// </summary>
    internal static string WithDetail(string recipient, string? folder)
    {
        int at = recipient.LastIndexOf('@');
        return folder is null || at <= 0 ? recipient : recipient[..at] + "+" + folder + recipient[at..];
    }

    private static StoreOutcome Unavailable(string detail) =>
        new(new LmtpReply(451, "4.3.0", "mailbox store unavailable, try again later"), "dovecot: " + detail);

    private static async Task TryQuitAsync(LmtpClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.CommandAsync("QUIT", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The message is stored; a QUIT that goes unanswered changes nothing.
        }
    }
}
