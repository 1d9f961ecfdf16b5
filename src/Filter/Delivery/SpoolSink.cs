using MailFilter.Filter.Delivery.Lmtp;
using MailFilter.Milter;

namespace MailFilter.Filter.Delivery;

/// <summary>Puts DATA content into a <see cref="BodySpool"/> up to the size limit; past it the content is counted and dropped.</summary>
internal sealed class SpoolSink(BodySpool spool, long maxSize) : IContentSink
{
    public bool TooBig { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (TooBig || spool.Length + data.Length > maxSize)
        {
            TooBig = true;
            return;
        }

        spool.Append(data);
    }
}
