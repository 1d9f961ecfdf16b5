using MailFilter.Crypto.Age;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signing;
using MailFilter.Crypto.Tests.Support;

namespace MailFilter.Crypto.Tests.Envelope;

/// <summary>The receive checks run in the order of docs/envelope.md §6: with two faults, the earlier step is reported.</summary>
public sealed class CheckOrderTests : IDisposable
{
    private readonly EnvelopeFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task PayloadIntegrityIsJudgedBeforeTheContainerPreamble()
    {
        using var forge = await EnvelopeForge.CreateAsync(_f, EnvelopeFixture.Message(new string('p', 200_000) + "\r\n"), _f.Bob);
        var badMagic = (byte[])forge.Plaintext.Clone();
        badMagic[0] = (byte)'X';
        var envelope = forge.Encrypt(badMagic);
        envelope[forge.Header.Length + AgeFormat.NonceSize + AgeFormat.EncryptedChunkSize + 100] ^= 1;
        Assert.Equal(EnvelopeError.PayloadChunkInvalid, await _f.RefusalAsync(envelope, _f.Bob));
    }

    [Fact]
    public async Task BytesAfterTheSignatureAreReportedBeforeAnUnknownSenderKey()
    {
        using var forge = await EnvelopeForge.CreateAsync(_f, EnvelopeFixture.Message(), _f.Bob);
        var opener = new EnvelopeOpener(new InMemorySigningKeyResolver(), new MemoryReplayGuard());
        Assert.Equal(EnvelopeError.BytesAfterSignature, await _f.RefusalAsync(forge.Encrypt([.. forge.Plaintext, 0]), _f.Bob, opener));
    }

    [Fact]
    public async Task TheFromCheckNeverSeesContentWhoseSignatureFailed()
    {
        using var forge = await EnvelopeForge.CreateAsync(_f, EnvelopeFixture.Message(), _f.Bob);
        var tampered = (byte[])forge.Plaintext.Clone();
        tampered[^100] ^= 1;
        bool called = false;
        var request = EnvelopeFixture.For(_f.Bob, (_, _, _) =>
        {
            called = true;
            return ValueTask.FromResult(false);
        });
        using var spool = new MemoryStream();
        var e = await Assert.ThrowsAsync<EnvelopeException>(() => _f.Opener().OpenAsync(new MemoryStream(forge.Encrypt(tampered)), spool, request));
        Assert.Equal(EnvelopeError.SignatureInvalid, e.Error);
        Assert.False(called);
    }

    [Fact]
    public async Task ARecipientMissingFromTheManifestIsReportedBeforeTheStanzaCount()
    {
        // Two stanzas, a manifest with one recipient: both step 12 and step 14 fail for Dave.
        using var forge = await EnvelopeForge.CreateAsync(_f, EnvelopeFixture.Message(), _f.Bob);
        var header = forge.WriteHeader([forge.StanzaFor(_f.Bob), forge.StanzaFor(_f.Dave)]);
        var envelope = forge.Encrypt(header, forge.SignedContainer(header, forge.Manifest(_f.Bob)));
        Assert.Equal(EnvelopeError.RecipientNotInManifest, await _f.RefusalAsync(envelope, _f.Dave));
        Assert.Equal(EnvelopeError.StanzaCountMismatch, await _f.RefusalAsync(envelope, _f.Bob));
    }

    [Fact]
    public async Task AReplayIsOnlyRecordedForAnEnvelopeThatPassedEverythingElse()
    {
        var replay = new MemoryReplayGuard();
        var (envelope, _) = await _f.SealAsync(EnvelopeFixture.Message(), _f.Bob);
        using var spool = new MemoryStream();
        var refusing = EnvelopeFixture.For(_f.Bob, (_, _, _) => ValueTask.FromResult(false));
        await Assert.ThrowsAsync<EnvelopeException>(() => _f.Opener(replay).OpenAsync(new MemoryStream(envelope), spool, refusing));

        // The refused attempt did not burn the (sender, Message-ID, created) entry.
        await _f.Opener(replay).OpenAsync(new MemoryStream(envelope), spool, EnvelopeFixture.For(_f.Bob));
        Assert.Equal(EnvelopeError.Replay, await _f.RefusalAsync(envelope, _f.Bob, _f.Opener(replay)));
    }
}
