using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Envelope;

/// <summary>
/// The signed manifest of an envelope (docs/envelope.md §4): who sent it with which key, when, its
/// Message-ID, and every recipient with the kid it was sealed to. Fixed field order, nothing optional.
/// </summary>
public sealed class EnvelopeManifest
{
    /// <summary>Most recipients in one envelope.</summary>
    public const int MaxRecipients = 1000;

    internal EnvelopeManifest(string sender, KeyId senderKid, DateTimeOffset created, string messageId, IReadOnlyList<ManifestRecipient> recipients)
    {
        Sender = sender;
        SenderKid = senderKid;
        Created = created;
        MessageId = messageId;
        Recipients = recipients;
    }

    /// <summary>The sender's canonical address.</summary>
    public string Sender { get; }

    /// <summary>The kid of the sender's Ed25519 key.</summary>
    public KeyId SenderKid { get; }

    /// <summary>When the envelope was sealed (whole seconds).</summary>
    public DateTimeOffset Created { get; }

    /// <summary>The Message-ID without angle brackets.</summary>
    public string MessageId { get; }

    /// <summary>Recipients sorted by address bytes, then kid.</summary>
    public IReadOnlyList<ManifestRecipient> Recipients { get; }

    /// <summary>True if (<paramref name="address"/>, <paramref name="kid"/>) is listed; the address is canonicalized first.</summary>
    public bool Contains(string address, KeyId kid) =>
        AddressCanonicalizer.TryCanonicalize(address, out var canonical) && Recipients.Contains(new ManifestRecipient(canonical, kid));

    /// <summary>Builds a manifest from validated, canonical parts, sorting the recipients.</summary>
    internal static EnvelopeManifest Create(string sender, KeyId senderKid, DateTimeOffset created, string messageId, IEnumerable<ManifestRecipient> recipients)
    {
        var sorted = recipients.ToList();
        sorted.Sort(Compare);
        return new EnvelopeManifest(sender, senderKid, DateTimeOffset.FromUnixTimeSeconds(created.ToUnixTimeSeconds()), messageId, sorted);
    }

    /// <summary>Byte order of the manifest: address bytes, then kid.</summary>
    internal static int Compare(ManifestRecipient x, ManifestRecipient y)
    {
        int c = AddressCanonicalizer.ToUtf8(x.Address).AsSpan().SequenceCompareTo(AddressCanonicalizer.ToUtf8(y.Address));
        return c != 0 ? c : x.Kid.CompareTo(y.Kid);
    }

    internal byte[] Serialize()
    {
        var output = new ArrayBufferWriter<byte>(128 + (Recipients.Count * 48));
        WriteString(output, AddressCanonicalizer.ToUtf8(Sender));
        WriteKid(output, SenderKid);
        BinaryPrimitives.WriteUInt64BigEndian(output.GetSpan(8), (ulong)Created.ToUnixTimeSeconds());
        output.Advance(8);
        WriteString(output, System.Text.Encoding.ASCII.GetBytes(MessageId));
        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), (ushort)Recipients.Count);
        output.Advance(2);
        foreach (var recipient in Recipients)
        {
            WriteString(output, AddressCanonicalizer.ToUtf8(recipient.Address));
            WriteKid(output, recipient.Kid);
        }

        Debug.Assert(output.WrittenCount <= ushort.MaxValue);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>True if <paramref name="messageId"/> is 1..255 printable ASCII characters without angle brackets.</summary>
    internal static bool IsValidMessageId(ReadOnlySpan<char> messageId)
    {
        if (messageId.IsEmpty || messageId.Length > 255)
        {
            return false;
        }

        foreach (char c in messageId)
        {
            if (c < 0x21 || c > 0x7E || c == '<' || c == '>')
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteString(ArrayBufferWriter<byte> output, byte[] value)
    {
        Debug.Assert(value.Length <= 255);
        output.GetSpan(1)[0] = (byte)value.Length;
        output.Advance(1);
        output.Write(value);
    }

    private static void WriteKid(ArrayBufferWriter<byte> output, KeyId kid)
    {
        kid.CopyTo(output.GetSpan(KeyId.Size));
        output.Advance(KeyId.Size);
    }
}
