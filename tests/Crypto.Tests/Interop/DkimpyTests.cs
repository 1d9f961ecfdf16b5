using System.Text;
using MailFilter.Crypto.Signature;
using MailFilter.Crypto.Signing;
using MailFilter.Crypto.Tests.Support;

namespace MailFilter.Crypto.Tests.Interop;

/// <summary>
/// dkimpy (Debian python3-dkim) verifies our MailFilter-Signature header offline through
/// DKIM.verify_sig with a dnsfunc returning the key (TestData/scripts/dkim_verify.py).
/// </summary>
public sealed class DkimpyTests : IDisposable
{
    private readonly Party _alice = Party.Create("alice@example.org");
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _alice.Dispose();
        _dir.Dispose();
    }

    private async Task<SignedMessage> SignAsync(SignedMessage message)
    {
        var request = new SignatureHeaderRequest
        {
            Sender = _alice.Address,
            MailFrom = _alice.Address,
            Recipients = ["bob@example.net"],
            Timestamp = DateTimeOffset.UtcNow,
        };
        return message.With(await SignatureHeaderSigner.SignAsync(message.Headers, new MemoryStream(message.Body), request, new LocalMessageSigner(_alice.Signing)));
    }

    private async Task<string> DkimpyAsync(SignedMessage message)
    {
        var python = await ExternalTools.EnsurePythonAsync("dkim", "nacl");
        var result = (await ExternalTools.RunAsync(python, [Container.Script("dkim_verify.py"), _dir.Write("m.eml", message.ToBytes()), _alice.Signing.PublicKey.ToBase64()]))
            .EnsureSuccess("dkim_verify.py");
        return result.StdoutText.Trim();
    }

    [Fact]
    public async Task DkimpyVerifiesOurHeader()
    {
        Assert.Equal("PASS", await DkimpyAsync(await SignAsync(SignedMessage.Sample())));
    }

    [Fact]
    public async Task DkimpyFailsAChangedSubject()
    {
        var signed = await SignAsync(SignedMessage.Sample());
        Assert.Equal("FAIL", await DkimpyAsync(signed.Replace("Subject", " Quarterly numbers (revised)")));
    }

    [Fact]
    public async Task DkimpyFailsAnAddedFromBecauseFromIsOversigned()
    {
        var signed = await SignAsync(SignedMessage.Sample());
        Assert.Equal("FAIL", await DkimpyAsync(signed with { Headers = [.. signed.Headers, HeaderField.FromString("From", " mallory@example.org")] }));
    }

    [Fact]
    public async Task OurRelaxedBodyCanonicalizationAgreesWithDkimpyOnRandomBodies()
    {
        // Bodies of words, spaces, tabs, CRLFs, stray CR and LF, and trailing blank lines; each ends in
        // CRLF, as every SMTP body does. The last ten are long (past the hasher's output buffer) and are fed
        // in random pieces, so that a CR, a space run or a word is split between two appends.
        var random = new Random(4);
        string[] pieces = ["a", "bc", " ", "  ", "\t", " \t ", "\r\n", "\r\n\r\n", "\r", "\n", "\r\r\n", "a-rather-long-word-without-spaces"];
        var bodies = Enumerable.Range(0, 310)
            .Select(n => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, random.Next(0, n < 300 ? 40 : 60_000)).Select(_ => pieces[random.Next(pieces.Length)])) + "\r\n"))
            .ToList();
        var python = await ExternalTools.EnsurePythonAsync("dkim");
        var stdin = Encoding.ASCII.GetBytes(string.Join('\n', bodies.Select(Convert.ToBase64String)));
        var expected = (await ExternalTools.RunAsync(python, [Container.Script("relaxed_body_hashes.py")], stdin)).EnsureSuccess("relaxed_body_hashes.py")
            .StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(bodies.Count, expected.Length);
        for (int i = 0; i < bodies.Count; i++)
        {
            using var hasher = new RelaxedBodyHasher();
            for (int at = 0; at < bodies[i].Length;)
            {
                int take = i < 300 ? bodies[i].Length : Math.Min(random.Next(1, 70_000), bodies[i].Length - at);
                hasher.Append(bodies[i].AsSpan(at, take));
                at += take;
            }

            Assert.True(expected[i] == Convert.ToHexStringLower(hasher.Finish()), "body: " + Convert.ToBase64String(bodies[i]));
        }
    }

    [Fact]
    public async Task DkimpyPassesRefoldingAndWhitespaceMunging()
    {
        var signed = await SignAsync(SignedMessage.Sample());
        var munged = signed.Replace("Subject", "  Quarterly\r\n\t  numbers ")
            with { Body = Encoding.UTF8.GetBytes("Hello Bob,\t\r\n\r\nthe   numbers are\t in.\r\n\r\n--  \r\nAlice\r\n\r\n") };
        Assert.Equal("PASS", await DkimpyAsync(munged));
    }
}
