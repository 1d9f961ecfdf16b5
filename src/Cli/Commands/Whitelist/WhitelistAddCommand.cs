using System.CommandLine;
using MailFilter.AuthClient.Protocol;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary><c>mailfilterctl whitelist add USER TARGET [--name N] [--nickname K] [--notes T]</c>: adds, or edits the entry for TARGET.</summary>
internal static class WhitelistAddCommand
{
    public static Command Create(CliContext context)
    {
        var user = new Argument<string>("USER") { Description = "the user whose list to change" };
        var target = new Argument<string>("TARGET") { Description = "an address (bob@example.net) or a domain (example.net: every address in it)" };
        var name = new Option<string?>("--name") { Description = "the contact's name" };
        var nickname = new Option<string?>("--nickname") { Description = "the contact's nickname" };
        var notes = new Option<string?>("--notes") { Description = "notes" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("add", "Add an address or a domain to a user's whitelist (or edit its entry).") { user, target, name, nickname, notes, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "whitelist add", parse.GetValue(socket)!, async client =>
        {
            string t = parse.GetValue(target)!;
            bool isAddress = t.Contains('@', StringComparison.Ordinal);
            var entry = new WhitelistEntry
            {
                Address = isAddress ? t : null,
                Domain = isAddress ? null : t,
                Name = parse.GetValue(name),
                Nickname = parse.GetValue(nickname),
                Notes = parse.GetValue(notes),
            };
            WhitelistOutput.Change(context.Output, await client.AddWhitelistEntriesAsync(parse.GetValue(user)!, [entry], ct), parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
