using System.CommandLine;
using System.Text.Json;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands;

/// <summary>
/// <c>mailfilterctl status [--json]</c>: whether mailfilter-authd answers, its database and schema, key counts,
/// and who authd thinks the caller is. Exit 0 when all is well, 1 when authd answers but its database does not
/// (degraded), 69 when authd does not answer, 77 when it refuses the caller.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("status", "Show whether mailfilter-authd and its database answer, with key counts.") { socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "status", parse.GetValue(socket)!, async client =>
        {
            var s = await client.GetStatusAsync(ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(s, AuthdCall.Json.StatusResponse));
            }
            else
            {
                var o = context.Output;
                o.WriteLine($"mailfilter-authd {s.Version}: {s.State} (since {KeyTable.Time(s.Started)})");
                o.WriteLine($"  socket         {parse.GetValue(socket)}");
                o.WriteLine($"  database       {(s.DatabaseReachable ? "reachable" : "NOT REACHABLE")}, schema {s.SchemaVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} of {s.LatestSchemaVersion}");
                o.WriteLine($"  keys           {s.CurrentKeys} current, {s.RetiredKeys} retired, {s.RevokedKeys} revoked, for {s.Addresses} addresses ({s.CachedAddresses} cached)");
                o.WriteLine($"  local domains  {(s.LocalDomains.Count == 0 ? "(none: no keys on first use)" : string.Join(", ", s.LocalDomains))}");
                o.WriteLine($"  you            uid {s.Peer.Uid}, role {s.Peer.Role}");
            }

            return s.DatabaseReachable ? ExitCodes.Ok : ExitCodes.CheckFailed;
        }));
        return command;
    }
}
