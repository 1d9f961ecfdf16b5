using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary>A user's password for users add and passwd: from --password-file (a file, or "-" for standard input), else asked twice on the terminal.</summary>
internal static class PasswordInput
{
    public static System.CommandLine.Option<string?> Option() => new("--password-file")
    {
        Description = "read the password from the first line of this file (\"-\": standard input); without it, it is asked on the terminal",
    };

    /// <summary>The password, or null after writing why there is none.</summary>
    public static string? Read(CliContext context, string command, string? file)
    {
        try
        {
            var password = file is not null ? SecretInput.ReadFirstLine(file) : SecretInput.Prompt(context.Error, "password: ", confirm: true);
            if (password is null)
            {
                context.Error.WriteLine($"{command}: no terminal to ask the password on: give --password-file FILE (or - for standard input)");
            }

            return password;
        }
        catch (IOException e)
        {
            context.Error.WriteLine($"{command}: {e.Message}");
            return null;
        }
    }
}
