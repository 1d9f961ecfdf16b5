using System.Security.Cryptography;
using MailFilter.Filter.Milter.Stages;

namespace MailFilter.Filter.Tests.Stages;

/// <summary>An attachment store in memory for the links stage's unit tests: records what was asked, checks the hash of
/// what is put, answers deterministic links (<c>https://files.example.test/a/&lt;token&gt;/&lt;name&gt;</c>, the token made
/// of the recipient's local part and the hash's first 8 digits) that expire at <see cref="Expires"/>.</summary>
public sealed class FakeAttachmentStore : IAttachmentStore
{
    public static readonly DateTimeOffset Expires = new(2026, 12, 21, 12, 0, 0, TimeSpan.Zero);

    public Dictionary<string, byte[]> Content { get; } = new(StringComparer.Ordinal);

    public List<string> Asked { get; } = [];

    public List<string> Put { get; } = [];

    public List<LinkGrantRequest> Grants { get; } = [];

    /// <summary>When set, every call fails with it.</summary>
    public AttachmentStoreFailure? Failure { get; set; }

    public Task<bool> HasAsync(string sha256, CancellationToken cancellationToken)
    {
        Fail();
        Asked.Add(sha256);
        return Task.FromResult(Content.ContainsKey(sha256));
    }

    public async Task PutAsync(string sha256, Stream content, long length, CancellationToken cancellationToken)
    {
        Fail();
        var ms = new MemoryStream();
        await content.CopyToAsync(ms, cancellationToken);
        Assert.Equal(length, ms.Length);
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(ms.ToArray())));
        Content[sha256] = ms.ToArray();
        Put.Add(sha256);
    }

    public Task<IReadOnlyList<GrantedLink>> CreateGrantsAsync(LinkGrantRequest request, CancellationToken cancellationToken)
    {
        Fail();
        Grants.Add(request);
        var links = new List<GrantedLink>();
        foreach (var r in request.Recipients)
        {
            foreach (var f in request.Files)
            {
                Assert.True(Content.ContainsKey(f.Sha256), "a grant for content that is not stored");
                links.Add(new GrantedLink(r, f.Sha256, f.FileName, $"https://files.example.test/a/{Token(r, f.Sha256)}/{Uri.EscapeDataString(f.FileName)}", Expires));
            }
        }

        return Task.FromResult<IReadOnlyList<GrantedLink>>(links);
    }

    public static string Token(string recipient, string sha256) => recipient[..recipient.IndexOf('@')] + "-" + sha256[..8];

    private void Fail()
    {
        if (Failure is { } f)
        {
            throw new AttachmentStoreException(f, "the fake store is " + f);
        }
    }
}
