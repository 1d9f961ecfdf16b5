namespace MailFilter.Milter;

/// <summary>
/// One message in a milter session: the envelope, the headers (editable), the spooled body, and the
/// edits the pipeline stages asked for. At end of message the listener turns the edits into milter
/// actions; nothing here speaks the wire protocol.
/// </summary>
public sealed class MilterMessage : IDisposable
{
    private readonly List<EnvelopeAddress> _recipients = [];
    private readonly List<EnvelopeAddress> _addedRecipients = [];
    private readonly List<EnvelopeAddress> _removedRecipients = [];
    private Stream? _replacementBody;

    internal MilterMessage(EnvelopeAddress sender, BodySpool body)
    {
        Sender = sender;
        Body = body;
    }

    /// <summary>MAIL FROM.</summary>
    public EnvelopeAddress Sender { get; }

    /// <summary>RCPT TO addresses the filter accepted, in order.</summary>
    public IReadOnlyList<EnvelopeAddress> Recipients => _recipients;

    /// <summary>The headers; stages edit them in place.</summary>
    public HeaderList Headers { get; } = new();

    /// <summary>The body as received (CRLF line ends, dot-unstuffed).</summary>
    public BodySpool Body { get; }

    /// <summary>True when a handler asked the MTA to skip the rest of the body (SMFIR_SKIP).</summary>
    public bool BodySkipped { get; internal set; }

    /// <summary>The new body, when a stage replaced it.</summary>
    public Stream? ReplacementBody => _replacementBody;

    public IReadOnlyList<EnvelopeAddress> AddedRecipients => _addedRecipients;

    public IReadOnlyList<EnvelopeAddress> RemovedRecipients => _removedRecipients;

    /// <summary>The new envelope sender (CHGFROM), or null.</summary>
    public EnvelopeAddress? NewSender { get; private set; }

    /// <summary>Reason for putting the message on hold (QUARANTINE), or null.</summary>
    public string? QuarantineReason { get; private set; }

    /// <summary>Replaces the body. The stream is read from its current position at end of message and
    /// disposed with the message. CRLF or LF line ends are both fine.</summary>
    public void ReplaceBody(Stream body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!body.CanRead)
        {
            throw new ArgumentException("the replacement body must be readable", nameof(body));
        }

        _replacementBody?.Dispose();
        _replacementBody = body;
    }

    public void ReplaceBody(ReadOnlyMemory<byte> body) => ReplaceBody(new MemoryStream(body.ToArray(), writable: false));

    /// <summary>Adds an envelope recipient (ADDRCPT, or ADDRCPT_PAR when <paramref name="esmtpArguments"/> is
    /// given; Postfix honours NOTIFY= and ORCPT=).</summary>
    public void AddRecipient(string address, string? esmtpArguments = null)
    {
        ValidateAddress(address);
        _addedRecipients.Add(new EnvelopeAddress(address, esmtpArguments is null ? [] : [esmtpArguments]));
    }

    /// <summary>Removes an envelope recipient (DELRCPT with the address exactly as the MTA sent it).</summary>
    public bool RemoveRecipient(string address)
    {
        var match = _recipients.FirstOrDefault(r => string.Equals(r.Address, address, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            return false;
        }

        _recipients.Remove(match);
        _removedRecipients.Add(match);
        return true;
    }

    /// <summary>Changes the envelope sender (CHGFROM; Postfix honours RET= and ENVID=).</summary>
    public void ChangeSender(string address, string? esmtpArguments = null)
    {
        if (address.Length > 0)
        {
            ValidateAddress(address);
        }

        NewSender = new EnvelopeAddress(address, esmtpArguments is null ? [] : [esmtpArguments]);
    }

    /// <summary>Puts the message on hold (QUARANTINE); the reason goes to the log.</summary>
    public void Quarantine(string reason) => QuarantineReason = reason ?? string.Empty;

    /// <summary>Writes the message as it stands now: the current headers, a blank line, the current body.</summary>
    public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        using (var headerBuffer = new MemoryStream())
        {
            Headers.WriteTo(headerBuffer);
            headerBuffer.Write("\r\n"u8);
            headerBuffer.Position = 0;
            await headerBuffer.CopyToAsync(destination, cancellationToken);
        }

        if (_replacementBody is not null)
        {
            long start = _replacementBody.CanSeek ? _replacementBody.Position : -1;
            await _replacementBody.CopyToAsync(destination, cancellationToken);
            if (start >= 0)
            {
                _replacementBody.Position = start;
            }
        }
        else
        {
            await using var body = Body.OpenRead();
            await body.CopyToAsync(destination, cancellationToken);
        }
    }

    public void Dispose()
    {
        _replacementBody?.Dispose();
        Body.Dispose();
    }

    internal void AcceptRecipient(EnvelopeAddress recipient) => _recipients.Add(recipient);

    private static void ValidateAddress(string address)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        if (address.AsSpan().IndexOfAny("\0\r\n") >= 0)
        {
            throw new ArgumentException("an envelope address must not contain NUL, CR or LF", nameof(address));
        }
    }
}
