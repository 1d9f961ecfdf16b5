using System.CommandLine;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary><c>mailfilterctl whitelist export USER [--output FILE]</c>: CSV that <c>whitelist import</c> reads back.</summary>
internal static class WhitelistExportCommand
{
    public static Command Create(CliContext context)
    {
        var user = new Argument<string>("USER") { Description = "the user whose list to export" };
        var output = new Option<string?>("--output") { Description = "write to this file (never overwritten) instead of standard output" };
        var socket = AuthdCall.SocketOption();
        var command = new Command("export", $"Write a user's whitelist as CSV ({WhitelistCsv.Header}).") { user, output, socket };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "whitelist export", parse.GetValue(socket)!, async client =>
        {
            var list = await client.GetWhitelistAsync(parse.GetValue(user)!, ct);
            if (parse.GetValue(output) is not { } path)
            {
                WhitelistCsv.Write(context.Output, list.Entries);
                return ExitCodes.Ok;
            }

            try
            {
                await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                await using var writer = new StreamWriter(stream);
                WhitelistCsv.Write(writer, list.Entries);
            }
            catch (IOException e)
            {
                context.Error.WriteLine($"whitelist export: cannot create {path}: {e.Message}");
                return ExitCodes.CantCreate;
            }

            context.Error.WriteLine($"whitelist export: {list.Entries.Count} entries of {list.User} (version {list.Version}) written to {path}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
