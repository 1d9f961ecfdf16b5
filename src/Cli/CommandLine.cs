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
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var context = new CliContext(output, error);
        var root = BuildRoot(context);
        var parse = root.Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error };
        return await parse.InvokeAsync(config, cancellationToken);
    }
}
