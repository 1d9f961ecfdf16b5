using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.AuthServer.Tests.Discovery;

/// <summary>The signed rotation statement (docs/authd-api.md §7.2): every field is bound, and it is no input authd signs for mail.</summary>
public sealed class RotationStatementTests : IDisposable
{
    private static readonly DateTimeOffset s_at = new(2026, 3, 2, 10, 0, 0, 123, 456, TimeSpan.Zero);
    private readonly Ed25519PrivateKey _old = Ed25519PrivateKey.Generate();
    private readonly Ed25519PrivateKey _new = Ed25519PrivateKey.Generate();

    public void Dispose()
    {
        _old.Dispose();
        _new.Dispose();
    }

    [Fact]
    public void AStatementVerifiesWithTheSignersKeyAndNoOther()
    {
        var signature = Sign();

        Assert.True(Verify(signature));
        Assert.False(RotationStatement.Verify(_new.PublicKey, "bob@example.net", KeyUse.Sign, _old.KeyId, _new.KeyId, _new.PublicKey.ToArray(), s_at, signature));
    }

    [Fact]
    public void ChangingAnyFieldBreaksTheSignature()
    {
        var signature = Sign();
        using var other = Ed25519PrivateKey.Generate();
        var pk = _new.PublicKey.ToArray();

        Assert.False(RotationStatement.Verify(_old.PublicKey, "Bob@example.net", KeyUse.Sign, _old.KeyId, _new.KeyId, pk, s_at, signature));
        Assert.False(RotationStatement.Verify(_old.PublicKey, "bob@example.net", KeyUse.Encrypt, _old.KeyId, _new.KeyId, pk, s_at, signature));
        Assert.False(RotationStatement.Verify(_old.PublicKey, "bob@example.net", KeyUse.Sign, other.KeyId, _new.KeyId, pk, s_at, signature));
        Assert.False(RotationStatement.Verify(_old.PublicKey, "bob@example.net", KeyUse.Sign, _old.KeyId, other.KeyId, pk, s_at, signature));
        Assert.False(RotationStatement.Verify(_old.PublicKey, "bob@example.net", KeyUse.Sign, _old.KeyId, _new.KeyId, other.PublicKey.ToArray(), s_at, signature));
        Assert.False(RotationStatement.Verify(_old.PublicKey, "bob@example.net", KeyUse.Sign, _old.KeyId, _new.KeyId, pk, s_at.AddTicks(10), signature));
        Assert.False(Verify(signature[..63]));
    }

    [Fact]
    public void TheTimeIsSignedToTheMicrosecondAsPostgreSqlStoresIt() =>
        // 100 ns below a microsecond are not stored: a statement signed before storing verifies after reading back.
        Assert.True(RotationStatement.Verify(_old.PublicKey, "bob@example.net", KeyUse.Sign, _old.KeyId, _new.KeyId, _new.PublicKey.ToArray(), s_at.AddTicks(3), Sign()));

    [Fact]
    public void TheStatementIsNeitherOfTheTwoInputsAuthdSignsForMail()
    {
        var statement = RotationStatement.Build("bob@example.net", KeyUse.Sign, _old.KeyId, _new.KeyId, _new.PublicKey.ToArray(), s_at);
        var padded = RotationStatement.Build(new string('a', 200) + "@example.net", KeyUse.Sign, _old.KeyId, _new.KeyId, _new.PublicKey.ToArray(), s_at);

        Assert.False(SigningInput.IsValid(SignaturePurpose.Envelope, statement));
        Assert.False(SigningInput.IsValid(SignaturePurpose.SignatureHeader, statement));
        Assert.False(SigningInput.IsValid(SignaturePurpose.Envelope, padded));
        Assert.StartsWith("mailfilter/v1 key-rotation\0", System.Text.Encoding.ASCII.GetString(statement), StringComparison.Ordinal);
    }

    private byte[] Sign() => RotationStatement.Sign(_old, "bob@example.net", KeyUse.Sign, _old.KeyId, _new.KeyId, _new.PublicKey.ToArray(), s_at);

    private bool Verify(byte[] signature) =>
        RotationStatement.Verify(_old.PublicKey, "bob@example.net", KeyUse.Sign, _old.KeyId, _new.KeyId, _new.PublicKey.ToArray(), s_at, signature);
}
