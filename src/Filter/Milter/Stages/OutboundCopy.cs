using MailFilter.Crypto.Signature;
using MailFilter.Milter;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// One copy of an outbound message (docs/pipeline.md step 7): the original, which goes on through Postfix to
/// the To and Cc recipients, or a Bcc copy for one Bcc recipient, submitted back to Postfix. Each copy has its
/// own signature (its <c>env=</c> binds only its own recipients) and its own envelope, so no copy names a Bcc
/// recipient to anyone else.
/// </summary>
public sealed class OutboundCopy : IDisposable
{
    public OutboundCopy(IReadOnlyList<EnvelopeAddress> recipients, bool isOriginal)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        Recipients = recipients;
        IsOriginal = isOriginal;
    }

    /// <summary>The envelope recipients of this copy (RCPT TO).</summary>
    public IReadOnlyList<EnvelopeAddress> Recipients { get; }

    /// <summary>True for the message Postfix already holds; false for a Bcc copy.</summary>
    public bool IsOriginal { get; }

    /// <summary>The Bcc recipient this copy exists for (null for the original).</summary>
    public EnvelopeAddress? BccRecipient => IsOriginal ? null : Recipients[^1];

    /// <summary>This copy's MailFilter-Signature field, once the sign stage made it.</summary>
    public HeaderField? Signature { get; set; }

    /// <summary>For the original: the header the sign stage inserted into the milter's header list.</summary>
    public MessageHeader? InsertedSignature { get; set; }

    /// <summary>This copy's confirmation number, once the register stage registered it (docs/registry.md §2).</summary>
    public string? ConfirmationNo { get; set; }

    /// <summary>For a Bcc copy that was encrypted: the complete carrier message, ready to submit (position 0).</summary>
    public Stream? Content { get; set; }

    public void Dispose()
    {
        Content?.Dispose();
        Content = null;
    }
}
