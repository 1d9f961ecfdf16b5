using System.CommandLine;
using System.Text;
using MailFilter.Mime;

namespace MailFilter.Cli.Commands;

/// <summary>
/// `mailfilterctl mime-rewrite FILE [--output OUT]`: parses a message (or every message of an mbox file) and writes
/// it back through the engine, to standard output or OUT. An unchanged message comes out byte for byte, so anyone can
/// check the engine's round trip with `cmp`.
/// </summary>
internal static class MimeRewriteCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "The message (.eml) or mbox file." };
        var output = new Option<FileInfo?>("--output") { Description = "Write to this file instead of standard output." };
        var format = MimeDumpCommand.Format();
        var command = new Command("mime-rewrite", "Parse a message or mbox file and write it back through the MIME engine.");
        command.Arguments.Add(file);
        command.Options.Add(output);
        command.Options.Add(format);
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(output), parse.GetValue(format) ?? "auto"));
        return command;
    }

    private static int Run(CliContext context, FileInfo file, FileInfo? outputFile, string format)
    {
        return MimeDumpCommand.WithFile(context, file, format, (stream, isMbox) =>
        {
            using var destination = outputFile is not null
                ? new FileStream(outputFile.FullName, FileMode.Create, FileAccess.Write)
                : OpenOutput(context.Output);
            if (isMbox)
            {
                using var mbox = MboxFile.Load(stream);
                mbox.WriteTo(destination);
            }
            else
            {
                using var message = MimeMessage.Load(stream);
                message.WriteTo(destination);
            }

            destination.Flush();
            return ExitCodes.Ok;
        });
    }

    // Messages are bytes, not text: standard output is written as a stream; any other writer (a test's StringWriter)
    // gets one char per byte (Latin-1), which converts back exactly.

    private static Stream OpenOutput(TextWriter output)
    {
        output.Flush();
        if (output is StreamWriter writer)
        {
            return new NonClosingStream(writer.BaseStream);
        }

        if (ReferenceEquals(output, Console.Out))
        {
            return Console.OpenStandardOutput();
        }

        return new Latin1WriterStream(output);
    }

    private sealed class Latin1WriterStream(TextWriter writer) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => writer.Write(Encoding.Latin1.GetString(buffer));

        public override void Flush() => writer.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
