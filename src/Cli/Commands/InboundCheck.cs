using System.Text.Encodings.Web;
using System.Text.Json;
using MailFilter.Messages;
using MailFilter.Mime;

namespace MailFilter.Cli.Commands;

/// <summary>
/// What <c>verify</c> and <c>decrypt</c> share: reading a stored message (a Maildir file may have LF line ends,
/// which are made CRLF again: the signature's canonical form counts CRLF, RFC 6376 §3.4.4), the delivery envelope
/// taken from the options or from the Return-Path and Delivered-To fields a delivery adds, and the report.
/// </summary>
internal static class InboundCheck
{
    /// <summary>The message as a seekable stream with CRLF line ends; null (and a message on stderr) when it cannot be read.</summary>
    public static MemoryStream? Load(CliContext context, FileInfo file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"mailfilterctl: cannot read {file.FullName}: {e.Message}");
            return null;
        }

        return new MemoryStream(ToCrlf(bytes), writable: false);
    }

    /// <summary>Bare LF becomes CRLF; existing CRLF stays (a file with mixed line ends is normalised the same way).</summary>
    public static byte[] ToCrlf(byte[] bytes)
    {
        int bare = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n' && (i == 0 || bytes[i - 1] != (byte)'\r'))
            {
                bare++;
            }
        }

        if (bare == 0)
        {
            return bytes;
        }

        var result = new byte[bytes.Length + bare];
        int j = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n' && (i == 0 || bytes[i - 1] != (byte)'\r'))
            {
                result[j++] = (byte)'\r';
            }

            result[j++] = bytes[i];
        }

        return result;
    }

    /// <summary>MAIL FROM and recipient: the options, else the Return-Path and Delivered-To fields (RFC 5321 §4.4), else unknown.</summary>
    public static (string? MailFrom, string? Recipient) Envelope(Stream message, string? mailFrom, string? recipient)
    {
        message.Position = 0;
        using var parsed = MimeMessage.Load(message, new MimeOptions { MaxDepth = 1 });
        mailFrom ??= parsed.Headers.Find("Return-Path")?.Value.Trim().TrimStart('<').TrimEnd('>');
        recipient ??= parsed.Headers.Find("Delivered-To")?.Value.Trim();
        message.Position = 0;
        return (mailFrom, recipient);
    }

    public static bool IsCarrier(Stream message)
    {
        message.Position = 0;
        using var parsed = MimeMessage.Load(message, new MimeOptions { MaxDepth = 1 });
        message.Position = 0;
        return CarrierReader.IsCarrier(parsed);
    }

    /// <summary>Prints the verdict: one line of text, or a JSON object with --json.</summary>
    public static void Report(TextWriter output, InboundResult result, bool json, bool envelopeChecked)
    {
        if (json)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteString("result", result.Verdict.ToString().ToLowerInvariant());
                WriteOrNull(writer, "reason", result.Reason);
                WriteOrNull(writer, "headerFrom", result.HeaderFrom);
                WriteOrNull(writer, "signer", result.Signer);
                WriteOrNull(writer, "kid", result.SignerKid?.ToString());
                writer.WriteBoolean("encrypted", result.WasEncrypted);
                writer.WriteBoolean("decrypted", result.Decrypted);
                writer.WriteBoolean("envelopeChecked", envelopeChecked);
                WriteOrNull(writer, "authenticationResults", result.AuthenticationResultsValue("mailfilterctl"));
                writer.WriteEndObject();
            }

            output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            return;
        }

        var line = result.Verdict.ToString().ToLowerInvariant();
        if (result.Reason is not null)
        {
            line += $" ({result.Reason})";
        }

        if (result.Signer is not null && result.Verdict == InboundVerdict.Pass)
        {
            line += $": signed by {result.Signer}, key {result.SignerKid}";
        }
        else if (result.HeaderFrom is not null)
        {
            line += $": From {result.HeaderFrom}";
        }

        if (result.Decrypted)
        {
            line += "; decrypted";
        }

        output.WriteLine(line);
    }

    /// <summary>pass → 0; fail or none → 1 (the check did not succeed).</summary>
    public static int ExitCode(InboundResult result) => result.Verdict == InboundVerdict.Pass ? ExitCodes.Ok : ExitCodes.CheckFailed;

    private static void WriteOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
