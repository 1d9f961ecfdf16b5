using System.CommandLine;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Conflicts;

/// <summary><c>mailfilterctl conflicts list|show|resolve</c>: forged signature claims (docs/conflicts.md §8).</summary>
internal static class ConflictsCommand
{
    public static Command Create(CliContext context) =>
        new("conflicts", "Show and decide signature conflicts: one identity signing with different keys to one recipient within the window.")
        {
            List(context),
            Show(context),
            Resolve(context),
        };

    private static Command List(CliContext context)
    {
        var state = new Option<string>("--state")
        {
            Description = "which conflicts: blocked (waiting for a decision), resolved or all",
            DefaultValueFactory = _ => "blocked",
        };
        state.AcceptOnlyFromAmong("blocked", "resolved", "all");
        var limit = new Option<int>("--limit") { Description = "at most this many, newest first (1 to 1000)", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                r.AddError("--limit must be 1 to 1000");
            }
        });
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("list", "List conflicts (by default the blocked ones, whose mail is held).") { state, limit, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "conflicts list", parse.GetValue(socket)!, async client =>
        {
            var list = await client.ListConflictsAsync(parse.GetValue(state), parse.GetValue(limit), ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new ConflictList { Conflicts = list }, ConflictOutput.Json.ConflictList));
            }
            else
            {
                ConflictOutput.Conflicts(context.Output, list);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var id = IdArgument();
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("show", "Show one conflict: its keys, sending hosts, history and decision.") { id, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "conflicts show", parse.GetValue(socket)!, async client =>
        {
            ConflictOutput.Conflict(context.Output, await client.GetConflictAsync(parse.GetValue(id), ct), parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Resolve(CliContext context)
    {
        var id = IdArgument();
        var genuine = new Option<string>("--genuine") { Description = "the genuine sending host's address: hosts that used another key are blacklisted" };
        var release = new Option<bool>("--release") { Description = "every key is genuine (one sender, two servers): unblock and blacklist nothing" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("resolve", "Decide a blocked conflict; its held mail is delivered on the sending servers' next retry.") { id, genuine, release, socket, json };
        command.Validators.Add(r =>
        {
            if ((r.GetValue(genuine) is null) == !r.GetValue(release))
            {
                r.AddError("give exactly one of --genuine HOST and --release");
            }
        });
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "conflicts resolve", parse.GetValue(socket)!, async client =>
        {
            var resolved = await client.ResolveConflictAsync(new ConflictResolveRequest
            {
                Id = parse.GetValue(id),
                Genuine = parse.GetValue(genuine),
                Release = parse.GetValue(release) ? true : null,
            }, ct);
            ConflictOutput.Conflict(context.Output, resolved, parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Argument<long> IdArgument()
    {
        var id = new Argument<long>("ID") { Description = "the conflict's number (conflicts list)" };
        id.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 1)
            {
                r.AddError("ID must be a conflict number (1 or more)");
            }
        });
        return id;
    }
}
