using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using MailFilter.Mime;

namespace MailFilter.Cli.Commands;

/// <summary>
/// `mailfilterctl mime-dump FILE [--json]`: the MIME tree of a message or of every message of an mbox file (types,
/// sizes, names, charsets, defects), or with --json an array with one object per leaf part (path, contentType,
/// charset, fileName, sha256 and length of the decoded content; plus "message", the 1-based index, for mbox input).
/// </summary>
internal static class MimeDumpCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "The message (.eml) or mbox file." };
        var json = new Option<bool>("--json") { Description = "Print a JSON array with one object per leaf part." };
        var format = Format();
        var command = new Command("mime-dump", "Print the MIME structure of a message or mbox file.");
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.Options.Add(format);
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(json), parse.GetValue(format) ?? "auto"));
        return command;
    }

    private static int Run(CliContext context, FileInfo file, bool json, string format)
    {
        return WithMessages(context, file, format, (messages, isMbox) =>
        {
            if (json)
            {
                WriteJson(context.Output, messages, isMbox);
                return ExitCodes.Ok;
            }

            var index = 0;
            foreach (var message in messages)
            {
                index++;
                if (isMbox)
                {
                    context.Output.WriteLine($"message {index}: {System.Text.Encoding.Latin1.GetString(message.MboxFromLine!.Value.Span).TrimEnd('\r', '\n')}");
                }

                MimeDump.WriteTree(message, context.Output);
            }

            return ExitCodes.Ok;
        });
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<MimeMessage> messages, bool isMbox)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            var index = 0;
            foreach (var message in messages)
            {
                index++;
                foreach (var leaf in MimeDump.Leaves(message))
                {
                    writer.WriteStartObject();
                    if (isMbox)
                    {
                        writer.WriteNumber("message", index);
                    }

                    writer.WriteString("path", leaf.Path);
                    writer.WriteString("contentType", leaf.ContentType);
                    WriteNullable(writer, "charset", leaf.Charset);
                    WriteNullable(writer, "fileName", leaf.FileName);
                    writer.WriteString("sha256", leaf.Sha256);
                    writer.WriteNumber("length", leaf.Length);
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
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

    /// <summary>The --format option the mime-* commands share.</summary>
    internal static Option<string> Format()
    {
        var format = new Option<string>("--format")
        {
            Description = "message, mbox, or auto (mbox when the file starts with \"From \").",
            DefaultValueFactory = _ => "auto",
        };
        format.AcceptOnlyFromAmong("auto", "message", "mbox");
        return format;
    }

    /// <summary>Opens the file and decides whether it is an mbox; maps a missing or unreadable file to <see cref="ExitCodes.NoInput"/>.</summary>
    internal static int WithFile(CliContext context, FileInfo file, string format, Func<FileStream, bool, int> action)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"mailfilterctl: cannot read {file.FullName}: {ex.Message}");
            return ExitCodes.NoInput;
        }

        using (stream)
        {
            var isMbox = format == "mbox" || (format == "auto" && MboxFile.LooksLikeMbox(stream));
            return action(stream, isMbox);
        }
    }

    /// <summary>Opens the file and parses it into messages (one, or every message of the mbox).</summary>
    internal static int WithMessages(CliContext context, FileInfo file, string format, Func<IReadOnlyList<MimeMessage>, bool, int> action) =>
        WithFile(context, file, format, (stream, isMbox) =>
        {
            if (isMbox)
            {
                using var mbox = MboxFile.Load(stream);
                if (mbox.Messages.Count == 0)
                {
                    context.Error.WriteLine($"mailfilterctl: {file.FullName} has no \"From \" line: not an mbox file");
                    return ExitCodes.DataError;
                }

                return action(mbox.Messages, true);
            }

            using var message = MimeMessage.Load(stream);
            return action([message], false);
        });
}
