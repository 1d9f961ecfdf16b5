using System.Text;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signing;

namespace MailFilter.Crypto.Tests.Support;

/// <summary>Alice sends to Bob and Carol; Dave is an outsider. Helpers seal and open with these keys.</summary>
internal sealed class EnvelopeFixture : IDisposable
{
    public static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000);

    public EnvelopeFixture()
    {
        Alice = Party.Create("alice@example.org");
        Bob = Party.Create("bob@example.net");
        Carol = Party.Create("carol@example.com");
        Dave = Party.Create("dave@example.com");
        Keys = new InMemorySigningKeyResolver();
        foreach (var p in new[] { Alice, Bob, Carol, Dave })
        {
            Keys.Add(p.SigningRecord());
        }
    }

    public Party Alice { get; }

    public Party Bob { get; }

    public Party Carol { get; }

    public Party Dave { get; }

    public InMemorySigningKeyResolver Keys { get; }

    public static byte[] Message(string body = "Hello Bob.\r\n") => Encoding.ASCII.GetBytes(
        "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>, carol@example.com\r\n" +
        "Subject: test\r\nMessage-ID: <m1@example.org>\r\n\r\n" + body);

    public SealRequest Request(params Party[] recipients) => new()
    {
        Sender = Alice.Address,
        MessageId = "<m1@example.org>",
        Created = Created,
        Recipients = recipients.Select(r => new EnvelopeRecipient(r.Address, r.Encryption.PublicKey)).ToArray(),
    };

    public async Task<(byte[] Envelope, SealedEnvelope Sealed)> SealAsync(byte[] content, params Party[] recipients)
    {
        if (recipients.Length == 0)
        {
            recipients = [Bob, Carol];
        }

        using var output = new MemoryStream();
        var sealedEnvelope = await EnvelopeSealer.SealAsync(new MemoryStream(content), output, Request(recipients), new LocalMessageSigner(Alice.Signing));
        return (output.ToArray(), sealedEnvelope);
    }

    public EnvelopeOpener Opener(IReplayGuard? replay = null, TimeProvider? time = null) =>
        new(Keys, replay ?? new MemoryReplayGuard(), new EnvelopeOpenOptions { TimeProvider = time ?? new FixedTime(Created.AddMinutes(1)) });

    public static OpenRequest For(Party recipient, FromCheck? fromCheck = null) => new()
    {
        RecipientAddress = recipient.Address,
        Unwrapper = new X25519FileKeyUnwrapper(recipient.Encryption),
        FromCheck = fromCheck ?? ((_, _, _) => ValueTask.FromResult(true)),
    };

    public async Task<(OpenedEnvelope Opened, byte[] Content)> OpenAsync(byte[] envelope, Party recipient, EnvelopeOpener? opener = null)
    {
        using var spool = new MemoryStream();
        var opened = await (opener ?? Opener()).OpenAsync(new MemoryStream(envelope), spool, For(recipient));
        return (opened, spool.ToArray());
    }

    /// <summary>Opens and returns the refusal reason (the test fails if the envelope opens).</summary>
    public async Task<EnvelopeError> RefusalAsync(byte[] envelope, Party recipient, EnvelopeOpener? opener = null)
    {
        using var spool = new MemoryStream();
        var e = await Assert.ThrowsAsync<EnvelopeException>(() => (opener ?? Opener()).OpenAsync(new MemoryStream(envelope), spool, For(recipient)));
        Assert.Equal(0, spool.Length);
        return e.Error;
    }

    public void Dispose()
    {
        Alice.Dispose();
        Bob.Dispose();
        Carol.Dispose();
        Dave.Dispose();
    }
}
