namespace MailFilter.Mime;

/// <summary>A message/* entity holding one embedded message (RFC 2046 §5.2), e.g. a forwarded message/rfc822.</summary>
public sealed class MessagePart : MimeEntity
{
    private MimeEntity? _message;

    /// <summary>A new message/rfc822 part around <paramref name="message"/> (a detached entity, e.g. another message's root).</summary>
    public MessagePart(MimeEntity message)
    {
        Headers.Add("Content-Type", "message/rfc822");
        Message = message;
    }

    internal MessagePart(HeaderList headers, EntityLayout layout, MimeEntity message)
        : base(headers, layout)
    {
        _message = message;
        message.Parent = this;
    }

    /// <summary>The embedded message's root entity (its headers are the embedded message's headers).</summary>
    public MimeEntity? Message
    {
        get => _message;
        set
        {
            if (ReferenceEquals(value, _message))
            {
                return;
            }

            if (value is not null)
            {
                if (value.Parent is not null)
                {
                    throw new InvalidOperationException("The entity is already part of another entity; detach it first.");
                }

                for (MimeEntity? p = this; p is not null; p = p.Parent)
                {
                    if (ReferenceEquals(p, value))
                    {
                        throw new InvalidOperationException("An entity can not contain itself.");
                    }
                }

                value.Parent = this;
            }

            if (_message is not null)
            {
                _message.Parent = null;
            }

            _message = value;
            MarkModified();
        }
    }

    internal void DetachMessage() => Message = null;
}
