using System.Security.Cryptography;
using System.Text;
using MailFilter.AuthServer.Attachments;
using MailFilter.AuthServer.Keys;

namespace MailFilter.Attachments.Tests;

/// <summary>The at-rest format (docs/attachments.md §3) with its test vector, ranges, and tampering.</summary>
public sealed class AttachmentCipherTests
{
    private static readonly byte[] s_master = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    [Fact]
    public async Task The_test_vector_of_the_spec()
    {
        using var master = MasterKey.FromMaterial(s_master);
        var cipher = new AttachmentCipher(master);
        var content = Encoding.ASCII.GetBytes("hello, attachments\n");
        var sha = SHA256.HashData(content);
        var stored = await EncryptAsync(cipher, content);
        Assert.Equal(Vector.Sha256, Convert.ToHexStringLower(sha));
        Assert.Equal(Vector.ObjectName, cipher.ObjectName(sha));
        Assert.Equal(Vector.ContentKey, Convert.ToHexStringLower(cipher.ContentKey(sha)));
        Assert.Equal(Vector.Object, Convert.ToHexStringLower(stored));
        Assert.Equal(AttachmentCipher.StoredSize(content.Length), stored.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData((16 * 65536) + 5)]
    [InlineData((40 * 65536) - 1)]
    public async Task Every_range_decrypts_to_the_plaintext(int size)
    {
        using var master = MasterKey.FromMaterial(RandomNumberGenerator.GetBytes(32));
        var cipher = new AttachmentCipher(master);
        var content = RandomNumberGenerator.GetBytes(size);
        var stored = await EncryptAsync(cipher, content);
        Assert.Equal(AttachmentCipher.StoredSize(size), stored.Length);
        var random = new Random(size);
        var ranges = new List<(long, long)> { (0, size - 1) };
        for (int i = 0; i < 20 && size > 0; i++)
        {
            long a = random.NextInt64(size), b = random.NextInt64(a, size);
            ranges.Add((a, b));
        }

        foreach (var (start, end) in ranges.Where(r => r.Item2 >= r.Item1))
        {
            Assert.Equal(content.AsSpan((int)start, (int)(end - start + 1)).ToArray(), await DecryptAsync(cipher, SHA256.HashData(content), size, stored, start, end));
        }
    }

    [Fact]
    public async Task A_changed_byte_truncation_or_another_master_key_do_not_decrypt()
    {
        using var master = MasterKey.FromMaterial(s_master);
        var cipher = new AttachmentCipher(master);
        var content = RandomNumberGenerator.GetBytes(200_000);
        var sha = SHA256.HashData(content);
        var stored = await EncryptAsync(cipher, content);

        var flipped = (byte[])stored.Clone();
        flipped[100_000] ^= 1;
        await Assert.ThrowsAnyAsync<CryptographicException>(() => DecryptAsync(cipher, sha, content.Length, flipped, 0, content.Length - 1));

        // The object cut after its third chunk, claimed as a file of three whole chunks: the last-chunk flag refuses it.
        var cut = stored.AsSpan(0, AttachmentCipher.HeaderSize + (3 * AttachmentCipher.StoredChunkSize)).ToArray();
        await Assert.ThrowsAnyAsync<CryptographicException>(() => DecryptAsync(cipher, sha, 3 * 65536, cut, 0, (3 * 65536) - 1));

        using var other = MasterKey.FromMaterial(RandomNumberGenerator.GetBytes(32));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => DecryptAsync(new AttachmentCipher(other), sha, content.Length, stored, 0, 10));
        Assert.NotEqual(new AttachmentCipher(other).ObjectName(sha), cipher.ObjectName(sha));

        await Assert.ThrowsAsync<HashMismatchException>(() => EncryptAsync(cipher, content, SHA256.HashData(content.AsSpan(1))));
        await Assert.ThrowsAsync<EndOfStreamException>(async () =>
            await cipher.EncryptAsync(sha, new MemoryStream(content, 0, 1000), content.Length, new MemoryStream(), CancellationToken.None));
    }

    private static async Task<byte[]> EncryptAsync(AttachmentCipher cipher, byte[] content, byte[]? claimed = null)
    {
        var output = new MemoryStream();
        await cipher.EncryptAsync(claimed ?? SHA256.HashData(content), new MemoryStream(content), content.Length, output, CancellationToken.None);
        return output.ToArray();
    }

    private static async Task<byte[]> DecryptAsync(AttachmentCipher cipher, byte[] sha, long size, byte[] stored, long start, long end)
    {
        var (offset, length, first) = AttachmentCipher.StoredRange(size, start, end);
        var output = new MemoryStream();
        await cipher.DecryptRangeAsync(sha, size, new MemoryStream(stored, (int)offset, (int)Math.Min(length, stored.Length - offset)), first, start, end, output, CancellationToken.None);
        return output.ToArray();
    }

    /// <summary>docs/attachments.md §3.1, computed independently with Python (hashlib, hmac, PyNaCl's ChaCha20-Poly1305).</summary>
    private static class Vector
    {
        public const string Sha256 = "389ba2f0a9c3f5e17523c408b59db816133c1ee70c1b2f4eb196be24f0c1ac31";
        public const string ObjectName = "d3b42dcdfa2dea2ed25939fc1b41102b1229af900b359cdb95d3cb9e2e0e3f25";
        public const string ContentKey = "d2e7a49be0556ce1abcf59002de5e74c753b924bfeade3fc5891dcfea7bef798";
        public const string Object = "4d4641310001000000000000000000135e4b09e09b5eb56fe2f382a7c472916d72a56b7f47cc1bcc7d894a3b20c1a90c49d1ed";
    }
}
