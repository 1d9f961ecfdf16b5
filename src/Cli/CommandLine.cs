using System.CommandLine;

namespace MailFilter.Cli;

/// <summary>Builds mailfilterctl's command tree. Each command lives in its own class under Commands/.</summary>
public static class CommandLine
{
    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("mailfilterctl: administer MailFilter (mailfilterd and mailfilter-authd).");
        root.Add(Commands.MilterCheckCommand.Create(context));
        root.Add(Commands.MimeDumpCommand.Create(context));
        root.Add(Commands.MimeRewriteCommand.Create(context));
        root.Add(Commands.Keys.KeysCommand.Create(context));
        root.Add(Commands.Registry.AddressesCommand.Create(context));
        root.Add(Commands.Registry.RegistryCommand.Create(context));
        root.Add(Commands.DbCommand.Create(context));
        root.Add(Commands.StatusCommand.Create(context));
        root.Add(Commands.VerifyCommand.Create(context));
        root.Add(Commands.DecryptCommand.Create(context));
        root.Add(Commands.Whitelist.UsersCommand.Create(context));
        root.Add(Commands.Whitelist.WhitelistCommand.Create(context));
        root.Add(Commands.Conflicts.ConflictsCommand.Create(context));
        root.Add(Commands.Conflicts.BlacklistCommand.Create(context));
        root.Add(Commands.Attachments.AttachmentsCommand.Create(context));
        Commands.Operations.OperationsCommands.AddTo(root, context);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var context = new CliContext(output, error);
        var root = BuildRoot(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
        {
            // A usage error gets a short message and EX_USAGE, not the whole help text and exit code 1
            // (which scripts would read as "the check failed").
            foreach (var e in parse.Errors)
            {
                error.WriteLine($"mailfilterctl: {e.Message}");
            }

            var names = new List<string>();
            for (var result = parse.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            {
                names.Insert(0, result.Command.Name);
            }

            error.WriteLine($"Try 'mailfilterctl {string.Concat(names.Select(n => n + " "))}--help'.");
            return ExitCodes.Usage;
        }

        var config = new InvocationConfiguration { Output = output, Error = error };
        return await parse.InvokeAsync(config, cancellationToken);
    }
}
