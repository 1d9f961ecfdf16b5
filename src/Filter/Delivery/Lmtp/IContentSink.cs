namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>Where <see cref="LmtpDataReader"/> puts the unstuffed content (a spool in the server, a buffer in tests).</summary>
public interface IContentSink
{
    void Append(ReadOnlySpan<byte> data);
}
