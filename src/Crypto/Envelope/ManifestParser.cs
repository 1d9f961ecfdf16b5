using System.Buffers.Binary;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Envelope;

/// <summary>
/// Strict parser of a manifest (docs/envelope.md §4, receive step 7): every length must fit, every
/// address must already be canonical, recipients strictly ascending, and the fields must fill the
/// manifest exactly. Throws <see cref="EnvelopeException"/> with the step-7 reason.
/// </summary>
internal ref struct ManifestParser
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    private ManifestParser(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public static EnvelopeManifest Parse(ReadOnlySpan<byte> manifest)
    {
        var parser = new ManifestParser(manifest);
        return parser.ParseCore();
    }

    private EnvelopeManifest ParseCore()
    {
        string sender = ReadAddress();
        var senderKid = ReadKid();
        ulong createdSeconds = BinaryPrimitives.ReadUInt64BigEndian(Take(8));
        if (createdSeconds > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            EnvelopeException.Throw(EnvelopeError.ManifestMalformed, "created out of range");
        }

        var messageIdBytes = Take(Take(1)[0]);
        var messageId = System.Text.Encoding.ASCII.GetString(messageIdBytes);
        if (!EnvelopeManifest.IsValidMessageId(messageId) || messageId.Length != messageIdBytes.Length)
        {
            EnvelopeException.Throw(EnvelopeError.ManifestMessageIdInvalid);
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(Take(2));
        if (count is < 1 or > EnvelopeManifest.MaxRecipients)
        {
            EnvelopeException.Throw(EnvelopeError.RecipientCountOutOfRange);
        }

        var recipients = new ManifestRecipient[count];
        ReadOnlySpan<byte> previousAddress = default;
        for (int i = 0; i < count; i++)
        {
            int start = _position;
            string address = ReadAddress();
            var addressBytes = _data[(start + 1).._position];
            var kid = ReadKid();
            if (i > 0)
            {
                int order = addressBytes.SequenceCompareTo(previousAddress);
                if (order == 0)
                {
                    order = kid.CompareTo(recipients[i - 1].Kid);
                }

                if (order == 0)
                {
                    EnvelopeException.Throw(EnvelopeError.DuplicateRecipient);
                }

                if (order < 0)
                {
                    EnvelopeException.Throw(EnvelopeError.RecipientsNotSorted);
                }
            }

            recipients[i] = new ManifestRecipient(address, kid);
            previousAddress = addressBytes;
        }

        if (_position != _data.Length)
        {
            EnvelopeException.Throw(EnvelopeError.ManifestMalformed, "bytes after the last recipient");
        }

        return new EnvelopeManifest(sender, senderKid, DateTimeOffset.FromUnixTimeSeconds((long)createdSeconds), messageId, recipients);
    }

    private string ReadAddress()
    {
        var bytes = Take(Take(1)[0]);
        if (!AddressCanonicalizer.TryFromUtf8(bytes, out var address) || !AddressCanonicalizer.IsCanonical(address))
        {
            EnvelopeException.Throw(EnvelopeError.ManifestAddressInvalid);
        }

        return address;
    }

    private KeyId ReadKid() => KeyId.FromBytes(Take(KeyId.Size));

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            EnvelopeException.Throw(EnvelopeError.ManifestMalformed, "a field runs past the manifest length");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
