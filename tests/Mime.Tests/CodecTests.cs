using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace MailFilter.Mime.Tests;

public class CodecTests
{
    [Fact]
    public void DecodersMatchPythonsEmailPackageOnRandomWellAndBadlyFormedInput()
    {
        var random = new Random(2045);
        var cases = new List<(string Cte, byte[] Data)>();
        for (var i = 0; i < 1500; i++)
        {
            cases.Add(("base64", RandomBase64ish(random)));
            cases.Add(("quoted-printable", RandomQpish(random)));
        }

        var python = RunPython(cases);
        for (var i = 0; i < cases.Count; i++)
        {
            var (cte, data) = cases[i];
            var engine = Decode(cte, data);
            Assert.True(engine.AsSpan().SequenceEqual(python[i]), $"{cte} input {Convert.ToHexString(data)}: engine {Convert.ToHexString(engine)}, Python {Convert.ToHexString(python[i])}");
        }
    }

    [Theory]
    [InlineData("=3D=3d", "==")]
    [InlineData("soft=\r\nbreak", "softbreak")]
    [InlineData("soft=\nbreak", "softbreak")]
    [InlineData("a=\r junk\nb", "ab")]
    [InlineData("a==b", "a=b")]
    [InlineData("a=zz", "a=zz")]
    [InlineData("a=4", "a=4")]
    [InlineData("end=", "end")]
    [InlineData("trailing  \r\nspace", "trailing  \r\nspace")]
    public void QuotedPrintableDecodesTheRfc2045FormsAndTheBrokenOnes(string input, string expected)
    {
        var decoded = ReaderDriver.Decode(new QuotedPrintableDecoder(), Encoding.ASCII.GetBytes(input), () => 1);
        Assert.Equal(expected, Encoding.ASCII.GetString(decoded));
    }

    [Fact]
    public void Base64WritesLinesOf76AndDecodesBack()
    {
        var data = new byte[10_000];
        new Random(1).NextBytes(data);
        var encoded = Encode(data, ContentEncoding.Base64, false);
        var lines = Encoding.ASCII.GetString(encoded).Split("\r\n");
        Assert.All(lines[..^2], l => Assert.Equal(76, l.Length));
        Assert.Equal(string.Empty, lines[^1]);
        Assert.Equal(data, ReaderDriver.Decode(new Base64Decoder(), encoded, () => 7));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void QuotedPrintableWritesLinesOfAtMost76AndDecodesBack(bool text)
    {
        var random = new Random(text ? 3 : 4);
        var sb = new StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            sb.Append(random.Next(10) switch
            {
                0 => "\r\n",
                1 => " ",
                2 => "\t",
                3 => "=",
                4 => "é",
                5 => "From ",
                6 => new string('x', random.Next(1, 120)),
                7 => " \r\n",
                _ => "word",
            });
        }

        var data = Encoding.UTF8.GetBytes(sb.ToString());
        var encoded = Encode(data, ContentEncoding.QuotedPrintable, text);
        foreach (var line in Encoding.ASCII.GetString(encoded).Split("\r\n"))
        {
            Assert.True(line.Length <= 76, line);
            Assert.False(line.EndsWith(' ') || line.EndsWith('\t'), "unencoded trailing whitespace: " + line);
            Assert.False(line.StartsWith("From ", StringComparison.Ordinal), line);
            Assert.DoesNotContain(line, c => c > 126 || (c < 32 && c != '\t'));
        }

        Assert.Equal(data, ReaderDriver.Decode(new QuotedPrintableDecoder(), encoded, () => 5));
    }

    [Fact]
    public void UuencodeDecodesBetweenBeginAndEnd()
    {
        var input = Encoding.ASCII.GetBytes("ignored\nbegin 644 hello.txt\n,:&5L;&\\@=V]R;&0*\n`\nend\ntrailer\n");
        Assert.Equal("hello world\n", Encoding.ASCII.GetString(ReaderDriver.Decode(new UUDecoder(), input, () => 1)));
    }

    private static byte[] Decode(string cte, byte[] data)
    {
        using var message = MimeMessage.Load(Encoding.ASCII.GetBytes($"Content-Transfer-Encoding: {cte}\r\n\r\n").Concat(data).ToArray());
        return ((MimePart)message.Root).GetDecodedBytes();
    }

    private static byte[] Encode(byte[] data, ContentEncoding encoding, bool text)
    {
        var part = new MimePart(text ? "text" : "application", text ? "plain" : "octet-stream");
        part.SetContent(MimeContent.FromBytes(data, encoding));
        using var ms = part.OpenEncodedStream();
        using var copy = new MemoryStream();
        ms.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] RandomBase64ish(Random r)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var sb = new StringBuilder();
        var n = r.Next(0, 90);
        for (var i = 0; i < n; i++)
        {
            sb.Append(r.Next(30) switch
            {
                0 => "=",
                1 => "\r\n",
                2 => "\n",
                3 => " ",
                4 => "*",
                5 => "==",
                _ => alphabet[r.Next(alphabet.Length)].ToString(),
            });
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static byte[] RandomQpish(Random r)
    {
        var pieces = new[] { "=", "=\r\n", "=\n", "=\r", "=3D", "=3d", "=C3=A9", "=Z", "=4", "==", " ", "\t", "\r\n", "\n", "a", "b", "\r", "=\r x\n" };
        var sb = new StringBuilder();
        var n = r.Next(0, 30);
        for (var i = 0; i < n; i++)
        {
            sb.Append(pieces[r.Next(pieces.Length)]);
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static List<byte[]> RunPython(List<(string Cte, byte[] Data)> cases)
    {
        var psi = new ProcessStartInfo(PythonJudge.Python) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(Corpus.RepoRoot, "tests", "Mime.Tests", "Judge", "codecs.py"));
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        foreach (var (cte, data) in cases)
        {
            p.StandardInput.Write(JsonSerializer.Serialize(new { cte, data = Convert.ToHexString(data) }) + "\n");
        }

        p.StandardInput.Close();
        p.WaitForExit();
        var lines = output.Result.Split('\n');
        return lines[..^1].Select(Convert.FromHexString).ToList();
    }
}
