using System.CommandLine;
using System.Text.Json;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>
/// <c>mailfilterctl postfix-setup [--apply] [--config PATH] [--postfix-config DIR] [--dkim-signer SPEC]... [--json]</c>:
/// prints the main.cf changes that wire mailfilterd into Postfix as postconf commands; <c>--apply</c> makes them
/// (postconf -e), keeps the previous values in the undo file (purging the package restores them), and reloads a
/// running Postfix. Exit 0 done or nothing to do, 1 a change is needed (without --apply), 69 Postfix missing.
/// </summary>
internal static class PostfixSetupCommand
{
    public const string DefaultUndoFile = "/var/lib/mailfilter/postfix-setup.undo";

    public static Command Create(CliContext context)
    {
        var apply = new Option<bool>("--apply") { Description = "make the changes with postconf -e and reload Postfix" };
        var config = ConfigCommand.ConfigOption();
        var postfixConfig = PostfixConfigOption();
        var signers = DkimSignerOption();
        var undo = new Option<string>("--undo-file") { Description = "where the previous values are kept (purge restores them)", DefaultValueFactory = _ => DefaultUndoFile };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var command = new Command("postfix-setup", "Show (or --apply) the main.cf changes that wire mailfilterd into Postfix.") { apply, config, postfixConfig, signers, undo, json };
        command.SetAction(async (parse, ct) =>
        {
            var conf = ConfFile.Read(parse.GetValue(config)!);
            var postconf = new Postconf(parse.GetValue(postfixConfig));
            PostfixPlan plan;
            try
            {
                plan = await ComputeAsync(postconf, conf, parse.GetValue(signers) ?? [], ct);
            }
            catch (PostfixException e)
            {
                context.Error.WriteLine($"postfix-setup: {e.Message}");
                return ExitCodes.Unavailable;
            }

            bool applied = false, reloaded = false;
            if (parse.GetValue(apply) && plan.Changes.Count > 0)
            {
                SaveUndo(parse.GetValue(undo)!, plan.Changes);
                try
                {
                    await postconf.SetAsync(plan.Changes.Select(c => $"{c.Name} = {c.To}"), ct);
                    reloaded = await postconf.ReloadIfRunningAsync(ct);
                }
                catch (PostfixException e)
                {
                    context.Error.WriteLine($"postfix-setup: {e.Message}");
                    return ExitCodes.Unavailable;
                }

                applied = true;
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    mainCf = postconf.Describe,
                    changes = plan.Changes.Select(c => new { name = c.Name, from = c.From, to = c.To, why = c.Why }),
                    unchanged = plan.Unchanged,
                    notes = plan.Notes,
                    applied,
                    reloaded,
                }));
            }
            else
            {
                Print(context.Output, postconf, plan, applied, reloaded);
            }

            return plan.Changes.Count == 0 || applied ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    public static Option<string?> PostfixConfigOption() =>
        new("--postfix-config") { Description = "Postfix's configuration directory (postconf -c; default: Postfix's own)" };

    public static Option<string[]> DkimSignerOption() =>
        new("--dkim-signer") { Description = "a milter that DKIM-signs (beside OpenDKIM's, found by itself); mailfilterd goes before it", AllowMultipleArgumentsPerToken = false };

    public static async Task<PostfixPlan> ComputeAsync(Postconf postconf, ConfFile conf, IReadOnlyCollection<string> extraSigners, CancellationToken ct)
    {
        var current = await postconf.GetAsync(PostfixPlan.Names, ct);
        bool chrooted = await postconf.SmtpdChrootedAsync(ct);
        var signers = new List<string>(extraSigners);
        if (MilterList.OpenDkimSocket() is { } openDkim)
        {
            signers.Add(openDkim);
        }

        bool lmtpChrooted = await postconf.GetServiceFieldAsync("lmtp/unix/chroot", ct) is "y";
        return PostfixPlan.Compute(current, conf, chrooted, signers, await postconf.ExplicitNamesAsync(ct), lmtpChrooted);
    }

    private static void Print(TextWriter o, Postconf postconf, PostfixPlan plan, bool applied, bool reloaded)
    {
        foreach (var note in plan.Notes)
        {
            o.WriteLine($"# note: {note}");
        }

        if (plan.Changes.Count == 0)
        {
            o.WriteLine($"# {postconf.Describe}: already wired ({string.Join(", ", plan.Unchanged)} as needed)");
            return;
        }

        string c = postconf.ConfigDirectory is null ? string.Empty : $"-c {postconf.ConfigDirectory} ";
        foreach (var change in plan.Changes)
        {
            o.WriteLine($"# {change.Why} (was: {(change.From.Length == 0 ? "empty" : change.From)})");
            o.WriteLine($"postconf {c}-e '{change.Name} = {change.To}'");
        }

        o.WriteLine(applied ? $"# applied to {postconf.Describe}{(reloaded ? "; Postfix reloaded" : "; Postfix is not running: the changes apply when it starts")}"
            : "# run with --apply to make these changes");
    }

    /// <summary>Keeps each setting's value from before the first --apply that changed it: one postconf -e argument per
    /// line, or <c>-X NAME</c> for a setting that was Postfix's default (the package's postrm reads this format).</summary>
    private static void SaveUndo(string path, IEnumerable<PostfixPlan.Change> changes)
    {
        if (Path.GetDirectoryName(path) is not { } dir || !Directory.Exists(dir))
        {
            return; // not installed from the package: nothing will undo it
        }

        var kept = File.Exists(path) ? File.ReadAllLines(path).ToList() : [];
        foreach (var change in changes.Where(c => !kept.Any(k => k.StartsWith(c.Name + " =", StringComparison.Ordinal) || k == "-X " + c.Name)))
        {
            kept.Add(change.WasSet ? $"{change.Name} = {change.From}" : "-X " + change.Name);
        }

        File.WriteAllLines(path, kept);
    }
}
