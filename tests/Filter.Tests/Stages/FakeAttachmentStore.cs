using System.Security.Cryptography;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
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

    public List<GrantRequest> Grants { get; } = [];

    /// <summary>How long each upload takes (a slow store).</summary>
    public TimeSpan PutDelay { get; set; }

    /// <summary>When set, every call throws it.</summary>
    public Exception? Failure { get; set; }

    public Task<bool> HasAsync(string sha256, CancellationToken cancellationToken)
    {
        Fail();
        Asked.Add(sha256);
        return Task.FromResult(Content.ContainsKey(sha256));
    }

    public async Task PutAsync(string sha256, Stream content, long length, CancellationToken cancellationToken)
    {
        Fail();
        await Task.Delay(PutDelay, cancellationToken);
        var ms = new MemoryStream();
        await content.CopyToAsync(ms, cancellationToken);
        Assert.Equal(length, ms.Length);
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(ms.ToArray())));
        Content[sha256] = ms.ToArray();
        Put.Add(sha256);
    }

    public Task<IReadOnlyList<AttachmentLink>> CreateGrantsAsync(GrantRequest request, CancellationToken cancellationToken)
    {
        Fail();
        Grants.Add(request);
        var links = new List<AttachmentLink>();
        foreach (var r in request.Recipients)
        {
            foreach (var f in request.Files)
            {
                Assert.True(Content.ContainsKey(f.Sha256), "a grant for content that is not stored");
                links.Add(new AttachmentLink
                {
                    Recipient = r,
                    Sha256 = f.Sha256,
                    FileName = f.FileName,
                    Url = $"https://files.example.test/a/{Token(r, f.Sha256)}/{Uri.EscapeDataString(f.FileName)}",
                    Expires = Expires,
                });
            }
        }

        return Task.FromResult<IReadOnlyList<AttachmentLink>>(links);
    }

    public static string Token(string recipient, string sha256) => recipient[..recipient.IndexOf('@')] + "-" + sha256[..8];

    private void Fail()
    {
        if (Failure is { } e)
        {
            throw e;
        }
    }
}
