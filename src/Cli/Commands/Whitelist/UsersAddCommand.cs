using System.CommandLine;
using MailFilter.AuthClient.Protocol;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary><c>mailfilterctl users add NAME [--address A]... [--kind internal|external] [--password-file F]</c>.</summary>
internal static class UsersAddCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "the user's login name (a-z 0-9 . _ - @ +; usually the mailbox address)" };
        var addresses = new Option<string[]>("--address") { Description = "an address the user sends as (repeat for more)", AllowMultipleArgumentsPerToken = false };
        var kind = new Option<string>("--kind") { Description = "internal (default: a person of this domain) or external", DefaultValueFactory = _ => "internal" };
        kind.AcceptOnlyFromAmong("internal", "external");
        var password = PasswordInput.Option();
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("add", "Add a user with a password (Argon2id-hashed inside mailfilter-authd).") { name, addresses, kind, password, socket, json };
        command.SetAction((parse, ct) =>
        {
            var secret = PasswordInput.Read(context, "users add", parse.GetValue(password));
            if (secret is null)
            {
                return Task.FromResult(ExitCodes.Usage);
            }

            return AuthdCall.RunAsync(context, "users add", parse.GetValue(socket)!, async client =>
            {
                var user = await client.AddUserAsync(new UserAddRequest
                {
                    Name = parse.GetValue(name),
                    Password = secret,
                    Kind = parse.GetValue(kind),
                    Addresses = parse.GetValue(addresses) ?? [],
                }, ct);
                WhitelistOutput.User(context.Output, "added", user, parse.GetValue(json));
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
