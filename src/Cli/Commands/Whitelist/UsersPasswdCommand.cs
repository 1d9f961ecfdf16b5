using System.CommandLine;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary><c>mailfilterctl users passwd NAME [--password-file F]</c>.</summary>
internal static class UsersPasswdCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "the user" };
        var password = PasswordInput.Option();
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("passwd", "Set a user's password.") { name, password, socket, json };
        command.SetAction((parse, ct) =>
        {
            var secret = PasswordInput.Read(context, "users passwd", parse.GetValue(password));
            if (secret is null)
            {
                return Task.FromResult(ExitCodes.Usage);
            }

            return AuthdCall.RunAsync(context, "users passwd", parse.GetValue(socket)!, async client =>
            {
                WhitelistOutput.User(context.Output, "new password for", await client.SetPasswordAsync(parse.GetValue(name)!, secret, ct), parse.GetValue(json));
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
