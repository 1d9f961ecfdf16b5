using MailFilter.Crypto.Signature;
using MailFilter.Milter;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// One copy of an outbound message (docs/pipeline.md step 7): the original, which goes on through Postfix to
/// its recipients, or a copy submitted back to Postfix for one address: a Bcc recipient (so no copy names a Bcc
/// recipient to anyone else), or, when the links stage gave each recipient links of its own, every recipient but
/// the original's. Each copy has its own signature (its <c>env=</c> binds only its own recipients), its own
/// envelope, and, after the links stage, its own body.
/// </summary>
public sealed class OutboundCopy : IDisposable
{
    public OutboundCopy(IReadOnlyList<EnvelopeAddress> recipients, bool isOriginal)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        Recipients = recipients;
        IsOriginal = isOriginal;
    }

    /// <summary>The envelope recipients this copy is signed and sealed for.</summary>
    public IReadOnlyList<EnvelopeAddress> Recipients { get; }

    /// <summary>True for the message Postfix already holds; false for a copy that is re-injected.</summary>
    public bool IsOriginal { get; }

    /// <summary>The one address a re-injected copy is submitted to (null for the original).</summary>
    public EnvelopeAddress? CopyRecipient => IsOriginal ? null : Recipients[^1];

    /// <summary>This copy's MailFilter-Signature field, once the sign stage made it.</summary>
    public HeaderField? Signature { get; set; }

    /// <summary>For the original: the header the sign stage inserted into the milter's header list.</summary>
    public MessageHeader? InsertedSignature { get; set; }

    /// <summary>This copy's confirmation number, once the register stage registered it (docs/registry.md §2).</summary>
    public string? ConfirmationNo { get; set; }

    /// <summary>This copy's own body when the links stage made one (its recipients' links); null: the message's body.
    /// The original's is also the milter's replacement body, which the message owns; a copy's is disposed with the copy.</summary>
    public BodySpool? Body { get; set; }

    /// <summary>For a re-injected copy that was encrypted: the complete carrier message, ready to submit (position 0).</summary>
    public Stream? Content { get; set; }

    /// <summary>A new stream over this copy's body (its own, else the message's as received), from the start.</summary>
    public Stream OpenBody(MilterMessage message) => Body?.OpenRead() ?? message.Body.OpenRead();

    /// <summary>The length of <see cref="OpenBody"/>.</summary>
    public long BodyLength(MilterMessage message) => Body?.Length ?? message.Body.Length;

    public void Dispose()
    {
        Content?.Dispose();
        Content = null;
        if (!IsOriginal)
        {
            Body?.Dispose();
            Body = null;
        }
    }
}
