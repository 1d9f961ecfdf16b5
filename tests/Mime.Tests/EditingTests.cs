using System.Security.Cryptography;
using System.Text;

namespace MailFilter.Mime.Tests;

/// <summary>The editing API the pipeline stages use: find, replace, insert, remove, set headers, build.</summary>
public class EditingTests
{
    private static readonly byte[] s_pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n" + string.Concat(Enumerable.Range(0, 400).Select(i => $"{i} 0 obj << /Length {i} >> endobj\n")) + "%%EOF\n");

    [Fact]
    public void ReplacingAnAttachmentInAMixedInsideAnAlternativeLeavesEveryOtherByteAndPythonReadsItWithNoNewDefects()
    {
        var original = Corpus.Get("stalwart-mail-parser/rfc/007.eml").ReadAllBytes();
        using var message = MimeMessage.Load(original);
        var image = message.FindParts(p => p.ContentType.Is("image", "jpeg")).First();
        var mixed = Assert.IsType<Multipart>(image.Parent);
        Assert.Equal("multipart/mixed", mixed.ContentType.MimeType);
        Assert.Equal("multipart/alternative", mixed.Parent!.ContentType.MimeType);

        var replacement = new MimePart("application", "pdf");
        replacement.SetFileName("quarterly report – Q3.pdf");
        replacement.SetContent(MimeContent.FromBytes(s_pdf));
        var (start, end) = (image.Offset, image.Offset + image.RawLength);
        var untouched = message.Entities.Where(e => e is MimePart && e != image)
            .ToDictionary(e => e.Offset, e => ((MimePart)e).GetDecodedBytes());
        message.Replace(image, replacement);
        var written = message.ToArray();

        // Everything before and after the replaced part is the original, byte for byte.
        var tailLength = original.Length - (int)end;
        Assert.True(written.AsSpan(0, (int)start).SequenceEqual(original.AsSpan(0, (int)start)));
        Assert.True(written.AsSpan(written.Length - tailLength).SequenceEqual(original.AsSpan((int)end)));
        var inserted = Encoding.ASCII.GetString(written, (int)start, written.Length - tailLength - (int)start);
        Assert.All(inserted.Split("\r\n"), line => Assert.True(line.Length <= 76, line));

        using var reread = MimeMessage.Load(written);
        var pdf = Assert.Single(reread.FindParts(p => p.FileName == "quarterly report – Q3.pdf"));
        Assert.Equal(s_pdf, pdf.GetDecodedBytes());
        Assert.True(pdf.IsAttachment);
        foreach (var part in reread.LeafParts.Where(p => p != pdf))
        {
            var before = untouched.Values.Any(v => v.AsSpan().SequenceEqual(part.GetDecodedBytes()));
            Assert.True(before, "a sibling's content changed");
        }

        var py = PythonReader.Read(written);
        var pyBefore = PythonReader.Read(original);
        Assert.Equal(pyBefore.Compat32Defects, py.Compat32Defects);
        Assert.Equal(pyBefore.DefaultDefects, py.DefaultDefects);
        var pyPdf = Assert.Single(py.Compat32Parts, n => n.FileName == "quarterly report – Q3.pdf");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(s_pdf)), pyPdf.Sha256);
        Assert.Equal(pyBefore.Compat32Parts.Count, py.Compat32Parts.Count);
    }

    [Fact]
    public void SettingAndRemovingHeadersChangesOnlyThoseLines()
    {
        var original = Corpus.Get("cpython/msg_02.txt").ReadAllBytes();
        using var message = MimeMessage.Load(original);
        message.Headers.Set("X-MailFilter-Registered", "Yes");
        var removed = message.Headers.RemoveAll("X-Mailer");
        var written = Encoding.Latin1.GetString(message.ToArray());
        var expected = Encoding.Latin1.GetString(original);
        foreach (var h in message.Headers.Where(h => !h.IsCreated))
        {
            Assert.Contains(Encoding.Latin1.GetString(h.RawBytes), written, StringComparison.Ordinal);
        }

        Assert.Contains("X-MailFilter-Registered: Yes\r\n", written, StringComparison.Ordinal);
        if (removed > 0)
        {
            Assert.DoesNotContain("\nX-Mailer:", written, StringComparison.OrdinalIgnoreCase);
        }

        var bodyStart = expected.IndexOf("\n\n", StringComparison.Ordinal);
        Assert.EndsWith(expected[(bodyStart + 1)..], written, StringComparison.Ordinal);
    }

    [Fact]
    public void InsertingAndRemovingPartsKeepsTheOtherPartsAndTheirDelimiters()
    {
        var original = Corpus.Get("cpython/msg_02.txt").ReadAllBytes();
        using var message = MimeMessage.Load(original);
        var root = Assert.IsType<Multipart>(message.Root);
        var count = root.Count;
        var note = new MimePart("text", "plain");
        note.SetText("Attachments were moved to the store.\n");
        root.Insert(1, note);
        root.RemoveAt(root.Count - 1);
        var written = message.ToArray();
        using var reread = MimeMessage.Load(written);
        var reroot = Assert.IsType<Multipart>(reread.Root);
        Assert.Equal(count, reroot.Count);
        Assert.Equal("Attachments were moved to the store.\r\n", ((MimePart)reroot[1]).GetText());
        Assert.Empty(PythonReader.Read(written).Compat32Defects.Except(PythonReader.Read(original).Compat32Defects));
    }

    [Fact]
    public void ABuiltMessageIsCanonicalAndPythonReadsItWithoutDefects()
    {
        var root = new Multipart("mixed");
        root.Headers.Add("From", new MailboxAddress("Zoë Müller", "zoe@example.com").ToHeaderValue());
        root.Headers.Add("To", "bob@example.net");
        root.Headers.Add("Subject", "Rapport trimestriel – version définitive, avec un titre assez long pour être plié");
        root.Headers.Add("Date", "Sat, 21 Nov 2026 07:53:18 +0100");
        root.Headers.Add("MIME-Version", "1.0");
        var text = new MimePart("text", "plain");
        text.SetText("Bonjour,\nvoici le rapport.\n" + new string('x', 200) + " \n");
        root.Add(text);
        var attachment = new MimePart("application", "pdf");
        attachment.SetFileName("Rapport trimestriel définitif, troisième trimestre 2026 (version longue).pdf");
        attachment.SetContent(MimeContent.FromBytes(s_pdf));
        root.Add(attachment);
        using var forwarded = MimeMessage.Load(Build.Ascii("From: carol@example.org\nSubject: the original\n\nhello\n"));
        root.Add(new MessagePart(forwarded.Root));
        using var message = new MimeMessage(root);
        var written = message.ToArray();
        var lines = Encoding.UTF8.GetString(written).Split("\r\n");
        Assert.All(lines, l => Assert.True(l.Length <= 998));
        Assert.DoesNotContain('\n', Encoding.UTF8.GetString(written).Replace("\r\n", string.Empty, StringComparison.Ordinal));
        var headerLines = lines.TakeWhile(l => l.Length > 0);
        Assert.All(headerLines, l => Assert.True(l.Length < 78, l));

        var py = PythonReader.Read(written);
        Assert.Empty(py.Compat32Defects);
        Assert.Empty(py.DefaultDefects);
        using var reread = MimeMessage.Load(written);
        Assert.Equal("Rapport trimestriel – version définitive, avec un titre assez long pour être plié", reread.Subject);
        Assert.Equal("Zoë Müller", reread.From.Single().Name);
        var pdf = Assert.Single(reread.Attachments, p => p.ContentType.Is("application", "pdf"));
        Assert.Equal("Rapport trimestriel définitif, troisième trimestre 2026 (version longue).pdf", pdf.FileName);
        Assert.Equal(s_pdf, pdf.GetDecodedBytes());
        Assert.Contains(py.Compat32Parts, n => n.FileName == pdf.FileName);
        var rfc822 = Assert.Single(reread.Entities.OfType<MessagePart>());
        using var inner = MimeMessage.Load(ToBytes(rfc822.Message!));
        Assert.Equal("the original", inner.Subject);
    }

    [Fact]
    public void ReplacingTheContentOfAPartReencodesItAndKeepsItsHeaders()
    {
        var original = Corpus.Get("cpython/msg_02.txt").ReadAllBytes();
        using var message = MimeMessage.Load(original);
        var part = message.LeafParts.Last();
        var headersBefore = part.Headers.Where(h => !h.Is("Content-Transfer-Encoding")).Select(h => h.RawBytes.ToArray()).ToList();
        part.SetContent(MimeContent.FromBytes(s_pdf, ContentEncoding.QuotedPrintable));
        using var reread = MimeMessage.Load(message.ToArray());
        var again = reread.LeafParts.Last();

        // A text part's line breaks are CRLF in canonical form (RFC 2045 §6.7 rule 4).
        var expected = again.ContentType.MediaType == "text" ? Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(s_pdf).ReplaceLineEndings("\r\n")) : s_pdf;
        Assert.Equal(expected, again.GetDecodedBytes());
        Assert.Equal(ContentEncoding.QuotedPrintable, again.ContentTransferEncoding);
        Assert.Equal(headersBefore, again.Headers.Where(h => !h.Is("Content-Transfer-Encoding")).Select(h => h.RawBytes.ToArray()).ToList());
        using var encoded = again.OpenEncodedStream();
        using var reader = new StreamReader(encoded, Encoding.ASCII);
        while (reader.ReadLine() is { } line)
        {
            Assert.True(line.Length <= 76, line);
        }
    }

    [Fact]
    public void ChangingAMultipartsBoundaryRewritesItsDelimitersAndKeepsItsParts()
    {
        var original = Corpus.Get("cpython/msg_02.txt").ReadAllBytes();
        using var message = MimeMessage.Load(original);
        var root = Assert.IsType<Multipart>(message.Root);
        var contents = message.LeafParts.Select(p => p.GetDecodedBytes()).ToList();
        var ct = new ContentType("multipart", root.ContentType.MediaSubtype);
        ct.Parameters.Set("boundary", "new-boundary-42");
        root.Headers.Set("Content-Type", ct.ToString());
        var written = message.ToArray();
        using var reread = MimeMessage.Load(written);
        Assert.Equal("new-boundary-42", Assert.IsType<Multipart>(reread.Root).Boundary);
        Assert.Equal(contents, reread.LeafParts.Select(p => p.GetDecodedBytes()).ToList());
        Assert.Empty(PythonReader.Read(written).Compat32Defects);
    }

    [Fact]
    public void FindsAttachmentsByDispositionNameSizeAndType()
    {
        using var message = MimeMessage.Load(Corpus.Get("php-mime-mail-parser/issue274.eml").ReadAllBytes());
        Assert.Equal(5, message.Attachments.Count());
        var big = message.FindParts(p => p.IsAttachment && p.GetDecodedDigest().Length > 40_000).Select(p => p.ContentType.MimeType);
        Assert.Equal(["image/png", "message/rfc822"], big);
        Assert.Single(message.FindParts(p => p.FileName?.EndsWith(".docx", StringComparison.Ordinal) == true));
        Assert.Single(message.FindParts(p => p.ContentType.Is("application", "pdf") && p.ContentDisposition?.IsAttachment == true));
        Assert.Equal(["message/rfc822"], message.FindParts(p => p.ContentType.MediaType == "message").Select(p => p.ContentType.MimeType));
    }

    [Fact]
    public void AMultipartExposesItsPreambleAndEpilogue()
    {
        using var message = MimeMessage.Load(Corpus.Get("mime-tools/multi-simple.msg").ReadAllBytes());
        var root = Assert.IsType<Multipart>(message.Root);
        Assert.Equal("This is the preamble.  It is to be ignored, though it\r\nis a handy place for mail composers to include an\r\nexplanatory note to non-MIME conformant readers.", Encoding.ASCII.GetString(root.Preamble));
        Assert.StartsWith("This is the epilogue.", Encoding.ASCII.GetString(root.Epilogue), StringComparison.Ordinal);
        Assert.Empty(new Multipart().Preamble);
    }

    [Fact]
    public void AnEntityCanNotBeInTwoPlacesOrContainItself()
    {
        var outer = new Multipart();
        var inner = new Multipart();
        outer.Add(inner);
        Assert.Throws<InvalidOperationException>(() => inner.Add(outer));
        Assert.Throws<InvalidOperationException>(() => new Multipart().Add(inner));
        inner.Detach();
        Assert.Null(inner.Parent);
        Assert.Empty(outer.Children);
    }

    private static byte[] ToBytes(MimeEntity entity)
    {
        using var ms = new MemoryStream();
        MimeWriter.Write(entity, ms);
        return ms.ToArray();
    }
}
