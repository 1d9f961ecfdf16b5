using System.CommandLine;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Conflicts;

/// <summary><c>mailfilterctl blacklist list|add|remove</c>: refused sending hosts and keys (docs/conflicts.md §4).</summary>
internal static class BlacklistCommand
{
    public static Command Create(CliContext context) =>
        new("blacklist", "Sending hosts and keys whose signed mail is refused at delivery (550 5.7.1).")
        {
            List(context),
            Add(context),
            Remove(context),
        };

    private static Command List(CliContext context)
    {
        var all = new Option<bool>("--all") { Description = "include removed and expired entries" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("list", "List the blacklist.") { all, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "blacklist list", parse.GetValue(socket)!, async client =>
        {
            var entries = await client.ListBlacklistAsync(parse.GetValue(all), ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new BlacklistList { Entries = entries }, ConflictOutput.Json.BlacklistList));
            }
            else
            {
                ConflictOutput.Blacklist(context.Output, entries);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Add(CliContext context)
    {
        var target = TargetArgument("a sending host's IP address, or a key id (22 characters)");
        var reason = new Option<string>("--reason") { Description = "why (shown in the refusals and the list)", Required = true };
        var identity = new Option<string>("--identity") { Description = "for a key: the identity it was claimed for" };
        var duration = new Option<string>("--for") { Description = "end the entry by itself after this many hours or days (e.g. 12h, 30d; at most 3650d); default: until removed" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("add", "Refuse a sending host's or a key's signed mail.") { target, reason, identity, duration, socket, json };
        command.SetAction((parse, ct) =>
        {
            DateTimeOffset? until = null;
            if (parse.GetValue(duration) is { } text)
            {
                if (!TryParseSpan(text, out var span))
                {
                    context.Error.WriteLine($"blacklist add: --for {text}: not a number of hours or days from 1h to 3650d (e.g. 12h, 30d)");
                    return Task.FromResult(ExitCodes.Usage);
                }

                until = DateTimeOffset.UtcNow + span;
            }

            var value = parse.GetValue(target)!;
            bool isKid = IsKid(value);
            return AuthdCall.RunAsync(context, "blacklist add", parse.GetValue(socket)!, async client =>
            {
                var entry = await client.AddBlacklistAsync(new BlacklistAddRequest
                {
                    Address = isKid ? null : value,
                    Kid = isKid ? value : null,
                    Identity = parse.GetValue(identity),
                    Reason = parse.GetValue(reason),
                    Until = until,
                }, ct);
                ConflictOutput.Entry(context.Output, "added", entry, parse.GetValue(json));
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var target = TargetArgument("the entry's number, a sending host's IP address, or a key id");
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("remove", "End a blacklist entry (the row stays, marked removed).") { target, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "blacklist remove", parse.GetValue(socket)!, async client =>
        {
            var value = parse.GetValue(target)!;
            var request = long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id)
                ? new BlacklistRemoveRequest { Id = id }
                : IsKid(value) ? new BlacklistRemoveRequest { Kid = value } : new BlacklistRemoveRequest { Address = value };
            ConflictOutput.Entry(context.Output, "removed", await client.RemoveBlacklistAsync(request, ct), parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static bool TryParseSpan(string text, out TimeSpan span)
    {
        span = default;
        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n < 1)
        {
            return false;
        }

        span = text[^1] switch
        {
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => TimeSpan.Zero,
        };
        return span > TimeSpan.Zero && span <= TimeSpan.FromDays(3650);
    }

    private static Argument<string> TargetArgument(string description) => new("TARGET") { Description = description };

    /// <summary>A key id is 22 characters of base64 and never parses as an IP address (no '.', at most one ':'-free run).</summary>
    private static bool IsKid(string value) => value.Length == Crypto.Keys.KeyId.TextLength && !System.Net.IPAddress.TryParse(value, out _);
}
