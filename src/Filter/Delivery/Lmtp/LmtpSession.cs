using System.Globalization;
using System.Net;
using System.Text;

namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>
/// The LMTP server's state machine (RFC 2033; RFC 5321 §4.1.4 command order), without I/O: a command in, a reply
/// and an action out. LHLO opens the session; MAIL, RCPT..., DATA make a transaction; after the content the
/// connection asks the delivery agent for one reply per accepted recipient and calls <see cref="EndData"/>.
/// </summary>
public sealed class LmtpSession
{
    private readonly LmtpSessionOptions _options;
    private bool _greeted;
    /// <summary>The longest HELO name XFORWARD may report (RFC 1035: a domain name is at most 255 octets).</summary>
    public const int MaxHeloLength = 255;

    private (string? Ident, string? Address, string? Helo) _xforward;
    private int _errors;

    public LmtpSession(LmtpSessionOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    public LmtpReply Greeting => new(220, null, $"{_options.Hostname} LMTP mailfilterd ready");

    /// <summary>The open transaction (after MAIL), or null.</summary>
    public LmtpTransaction? Transaction { get; private set; }

    /// <summary>True between 354 and the end of the content.</summary>
    public bool InData { get; private set; }

    public LmtpSessionAction Handle(LmtpCommand command, out LmtpReply reply)
    {
        if (InData)
        {
            throw new InvalidOperationException("a command arrived while reading DATA");
        }

        reply = command.Verb switch
        {
            LmtpVerb.Lhlo => Lhlo(command.Argument),
            LmtpVerb.Helo or LmtpVerb.Ehlo => LmtpReplies.UseLhlo,
            LmtpVerb.Quit => LmtpReplies.Bye,
            LmtpVerb.Noop => LmtpReplies.Ok,
            LmtpVerb.Rset => Rset(),
            LmtpVerb.Vrfy => LmtpReplies.VrfyNotChecked,
            _ when !_greeted => LmtpReplies.NeedLhlo,
            LmtpVerb.Xforward => Xforward(command.Argument),
            LmtpVerb.Mail => Mail(command.Argument),
            LmtpVerb.Rcpt => Rcpt(command.Argument),
            LmtpVerb.Data => Data(),
            _ => LmtpReplies.Unrecognized,
        };

        if (command.Verb == LmtpVerb.Quit)
        {
            return LmtpSessionAction.Close;
        }

        if (reply.Code == 354)
        {
            InData = true;
            return LmtpSessionAction.StartData;
        }

        return CountError(ref reply);
    }

    /// <summary>An over-long line was dropped: answer it like a bad command.</summary>
    public LmtpSessionAction LineTooLong(out LmtpReply reply)
    {
        reply = LmtpReplies.LineTooLong;
        return CountError(ref reply);
    }

    /// <summary>The content was read and answered: the transaction is over (RFC 5321 §4.1.1.4).</summary>
    public void EndData()
    {
        InData = false;
        Transaction = null;
        _xforward = default;
    }

    /// <summary>Counts protocol errors; past the limit the reply becomes 421 and the connection closes (a client that
    /// keeps sending nonsense is not in step with us).</summary>
    private LmtpSessionAction CountError(ref LmtpReply reply)
    {
        if (reply.Code is 500 or 501 or 503 && ++_errors >= _options.MaxErrors)
        {
            reply = LmtpReplies.TooManyErrors;
            return LmtpSessionAction.Close;
        }

        return LmtpSessionAction.Reply;
    }

    private LmtpReply Lhlo(string argument)
    {
        if (string.IsNullOrWhiteSpace(argument))
        {
            return LmtpReplies.Syntax("LHLO needs a host name");
        }

        // RFC 5321 §4.1.4: EHLO (here LHLO) resets the transaction.
        _greeted = true;
        Transaction = null;
        _xforward = default;
        return new LmtpReply(250, null,
        [
            _options.Hostname,
            "PIPELINING",            // RFC 2920
            "ENHANCEDSTATUSCODES",   // RFC 2034
            "8BITMIME",              // RFC 6152
            "SMTPUTF8",              // RFC 6531
            "SIZE " + _options.MaxMessageSize.ToString(CultureInfo.InvariantCulture), // RFC 1870
            "XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT", // Postfix XFORWARD_README: IDENT is the queue id
        ]);
    }

    private LmtpReply Rset()
    {
        Transaction = null;
        _xforward = default;
        return LmtpReplies.Ok;
    }

    private LmtpReply Xforward(string argument)
    {
        if (Transaction is not null)
        {
            return LmtpReplies.NestedMail;
        }

        // Checked whole before anything is kept: a bad attribute leaves what earlier XFORWARD commands said.
        var (ident, address, helo) = (_xforward.Ident, _xforward.Address, _xforward.Helo);
        foreach (var token in argument.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return LmtpReplies.Syntax("XFORWARD: expected NAME=VALUE");
            }

            var value = XText.Decode(token[(eq + 1)..]);
            bool unavailable = value is "[UNAVAILABLE]" or "[TEMPUNAVAIL]";
            switch (token[..eq].ToUpperInvariant())
            {
                case "IDENT":
                    ident = value is null || unavailable || value.Length > 32 || !value.All(char.IsAsciiLetterOrDigit) ? null : value;
                    break;
                case "ADDR":
                    if (unavailable)
                    {
                        address = null;
                    }
                    else if (ClientAddress(value) is { } ip)
                    {
                        address = ip;
                    }
                    else
                    {
                        return LmtpReplies.Syntax("XFORWARD: ADDR is not an IP address");
                    }

                    break;
                case "HELO":
                    if (unavailable)
                    {
                        helo = null;
                    }
                    else if (value is { Length: > 0 and <= MaxHeloLength } && value.All(c => c is >= '!' and <= '~'))
                    {
                        helo = value;
                    }
                    else
                    {
                        return LmtpReplies.Syntax($"XFORWARD: HELO must be 1 to {MaxHeloLength} printable ASCII characters");
                    }

                    break;
                case "NAME" or "PROTO" or "SOURCE" or "PORT":
                    break;
                default:
                    return LmtpReplies.Syntax($"XFORWARD: unknown attribute {token[..eq]}");
            }
        }

        _xforward = (ident, address, helo);
        return LmtpReplies.Ok;
    }

    /// <summary>An XFORWARD ADDR value: IPv4, or IPv6 with Postfix's <c>IPV6:</c> prefix (or without), at most 64 characters, in its normal text form.</summary>
    private static string? ClientAddress(string? value)
    {
        if (value is null || value.Length > 64)
        {
            return null;
        }

        var text = value.StartsWith("IPV6:", StringComparison.OrdinalIgnoreCase) ? value[5..] : value;
        if (text.Contains('%', StringComparison.Ordinal) || text.Contains('/', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var ip))
        {
            return null;
        }

        return (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
    }

    private LmtpReply Mail(string argument)
    {
        if (Transaction is not null)
        {
            return LmtpReplies.NestedMail;
        }

        if (!LmtpPath.TryParse(argument, "FROM:", allowEmpty: true, out var path, out var error))
        {
            return LmtpReplies.Syntax(error);
        }

        foreach (var (key, value) in path!.Parameters)
        {
            switch (key.ToUpperInvariant())
            {
                case "SIZE":
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long size))
                    {
                        return LmtpReplies.Syntax("SIZE needs a number");
                    }

                    if (size > _options.MaxMessageSize)
                    {
                        return LmtpReplies.TooBig;
                    }

                    break;
                case "BODY" when value is not null && (value.Equals("7BIT", StringComparison.OrdinalIgnoreCase) || value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase)):
                case "SMTPUTF8" when value is null:
                    break;
                default:
                    return LmtpReplies.BadParameter($"unsupported parameter {key}");
            }
        }

        Transaction = new LmtpTransaction(path.Address, _xforward.Ident) { ClientAddress = _xforward.Address, ClientHelo = _xforward.Helo };
        return LmtpReplies.SenderOk;
    }

    private LmtpReply Rcpt(string argument)
    {
        if (Transaction is null)
        {
            return LmtpReplies.NeedMail;
        }

        if (!LmtpPath.TryParse(argument, "TO:", allowEmpty: false, out var path, out var error))
        {
            return LmtpReplies.Syntax(error);
        }

        string? orcpt = null;
        foreach (var (key, value) in path!.Parameters)
        {
            switch (key.ToUpperInvariant())
            {
                case "ORCPT":
                    // RFC 3461 §4.2: addr-type ";" xtext; only rfc822 (and utf-8, RFC 6533) addresses are of use here.
                    int semi = value?.IndexOf(';', StringComparison.Ordinal) ?? -1;
                    if (semi <= 0)
                    {
                        return LmtpReplies.Syntax("ORCPT: expected type;address");
                    }

                    var type = value![..semi];
                    orcpt = type.Equals("rfc822", StringComparison.OrdinalIgnoreCase) || type.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                        ? XText.Decode(value[(semi + 1)..]) : null;
                    break;
                case "NOTIFY":
                    break;
                default:
                    return LmtpReplies.BadParameter($"unsupported parameter {key}");
            }
        }

        if (Transaction.Recipients.Count >= _options.MaxRecipients)
        {
            return LmtpReplies.TooManyRecipients;
        }

        Transaction.Recipients.Add(new LmtpRecipient(path.Address, orcpt));
        return LmtpReplies.RecipientOk;
    }

    private LmtpReply Data()
    {
        if (Transaction is null)
        {
            return LmtpReplies.NeedMail;
        }

        // RFC 2033 §4.2: with no successful RCPT, DATA fails with 503.
        return Transaction.Recipients.Count == 0 ? LmtpReplies.NeedRcpt : LmtpReplies.StartData;
    }

    /// <summary>RFC 3461 §4: xtext, where "+XX" is a hexadecimal byte.</summary>
    private static class XText
    {
        public static string? Decode(string text)
        {
            if (!text.Contains('+', StringComparison.Ordinal))
            {
                return text;
            }

            var bytes = new List<byte>(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '+')
                {
                    if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
                    {
                        return null;
                    }

                    bytes.Add(b);
                    i += 2;
                }
                else
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
                }
            }

            return Encoding.UTF8.GetString(bytes.ToArray());
        }
    }
}
