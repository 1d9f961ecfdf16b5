using System.CommandLine;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary><c>mailfilterctl whitelist import USER FILE</c>: CSV (<see cref="WhitelistCsv"/>) added in one change, all or nothing.</summary>
internal static class WhitelistImportCommand
{
    public static Command Create(CliContext context)
    {
        var user = new Argument<string>("USER") { Description = "the user whose list to change" };
        var file = new Argument<string>("FILE") { Description = $"CSV with the header {WhitelistCsv.Header} (\"-\": standard input); entries for targets already listed are edited" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("import", "Add the entries of a CSV file to a user's whitelist in one change.") { user, file, socket, json };
        command.SetAction((parse, ct) =>
        {
            string path = parse.GetValue(file)!;
            List<AuthClient.Protocol.WhitelistEntry> entries;
            try
            {
                if (path != "-" && new FileInfo(path).Length > WhitelistCsv.MaxBytes)
                {
                    throw new FormatException($"the file is larger than {WhitelistCsv.MaxBytes / (1024 * 1024)} MiB");
                }

                entries = WhitelistCsv.Parse(path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"whitelist import: cannot read {path}: {e.Message}");
                return Task.FromResult(ExitCodes.NoInput);
            }
            catch (FormatException e)
            {
                context.Error.WriteLine($"whitelist import: {path}: {e.Message}; nothing was imported");
                return Task.FromResult(ExitCodes.DataError);
            }

            if (entries.Count == 0)
            {
                context.Error.WriteLine($"whitelist import: {path} has a header and no entries; nothing to import");
                return Task.FromResult(ExitCodes.DataError);
            }

            return AuthdCall.RunAsync(context, "whitelist import", parse.GetValue(socket)!, async client =>
            {
                WhitelistOutput.Change(context.Output, await client.AddWhitelistEntriesAsync(parse.GetValue(user)!, entries, ct), parse.GetValue(json));
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
