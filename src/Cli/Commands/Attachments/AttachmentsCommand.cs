using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Attachments;

/// <summary>
/// <c>mailfilterctl attachments list|show|revoke|extend|gc|usage|publish</c> (docs/attachments.md §11): the grants that
/// attachments-as-links created, the store behind them, and new versions of sent files. Admin role on authd's socket.
/// </summary>
internal static class AttachmentsCommand
{
    /// <summary>The API's own shapes, indented.</summary>
    public static AttachmentJson Json { get; } = new(new JsonSerializerOptions(AttachmentJson.Default.Options)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static Command Create(CliContext context) => new("attachments",
        "Administer attachments sent as links: the grants (one per recipient and file), their expiry and revocation, the store and its garbage collector, and new versions of sent files.")
    {
        List(context),
        Show(context),
        Change(context, revoke: true),
        Change(context, revoke: false),
        Gc(context),
        Usage(context),
        Publish(context),
    };

    private static Command List(CliContext context)
    {
        var sender = new Option<string?>("--sender") { Description = "only grants of mail from this address" };
        var recipient = new Option<string?>("--recipient") { Description = "only grants for this recipient" };
        var sha256 = new Option<string?>("--sha256") { Description = "only grants of this content (64 hex digits; sent or served)" };
        var state = new Option<string?>("--state") { Description = "live, expired, revoked, exhausted (download limit reached) or released (collected)" };
        state.AcceptOnlyFromAmong("live", "expired", "revoked", "exhausted", "released");
        var limit = new Option<int?>("--limit") { Description = "at most this many, newest first (default 1000, at most 10000)" };
        var (socket, json) = (AuthdCall.SocketOption(), AuthdCall.JsonOption());
        var command = new Command("list", "List grants, newest first: id, state, recipient, file name, size, downloads, expiry.") { sender, recipient, sha256, state, limit, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "attachments list", parse.GetValue(socket)!, async client =>
        {
            var grants = await client.ListGrantsAsync(parse.GetValue(sender), parse.GetValue(recipient), parse.GetValue(sha256), parse.GetValue(state), parse.GetValue(limit), ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new GrantList { Grants = grants }, Json.GrantList));
                return ExitCodes.Ok;
            }

            if (grants.Count == 0)
            {
                context.Output.WriteLine("no grants");
                return ExitCodes.Ok;
            }

            context.Output.WriteLine($"{"ID",-8} {"STATE",-9} {"RECIPIENT",-30} {"SIZE",10} {"DL",7} {"EXPIRES",-16} FILE");
            foreach (var g in grants)
            {
                var downloads = g.DownloadLimit is { } l ? $"{g.Downloads}/{l}" : g.Downloads.ToString(CultureInfo.InvariantCulture);
                context.Output.WriteLine($"{g.Id,-8} {g.State,-9} {g.Recipient,-30} {g.Size,10} {downloads,7} {g.Expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),-16} {g.FileName}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var target = new Argument<string>("grant-or-sha256") { Description = "a grant id (from list), or the SHA-256 of stored content" };
        var (socket, json) = (AuthdCall.SocketOption(), AuthdCall.JsonOption());
        var command = new Command("show", "Show one grant (with its content and the document's versions), or stored content by SHA-256.") { target, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "attachments show", parse.GetValue(socket)!, async client =>
        {
            var what = parse.GetValue(target)!.Trim();
            AttachmentDetail? detail;
            if (long.TryParse(what, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
            {
                detail = await client.GetGrantAsync(id, ct);
            }
            else if (what.Length == 64 && what.All(char.IsAsciiHexDigit))
            {
                detail = await client.GetAttachmentAsync(what.ToLowerInvariant(), ct);
            }
            else
            {
                context.Error.WriteLine($"attachments show: \"{what}\" is neither a grant id nor a SHA-256 (64 hex digits)");
                return ExitCodes.Usage;
            }

            if (detail is null)
            {
                context.Error.WriteLine($"attachments show: no grant or stored content {what}");
                return ExitCodes.NoSuchKey;
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(detail, Json.AttachmentDetail));
                return ExitCodes.Ok;
            }

            if (detail.Grant is { } g)
            {
                context.Output.WriteLine($"grant        {g.Id} ({g.State})");
                context.Output.WriteLine($"file         {g.FileName} ({g.ContentType}, {g.Size} bytes)");
                context.Output.WriteLine($"sender       {g.Sender}");
                context.Output.WriteLine($"recipient    {g.Recipient}{(g.Encrypted ? " (encrypted mail: proof of mailbox required)" : string.Empty)}");
                context.Output.WriteLine($"message      {g.MessageId ?? "-"} (queue id {g.QueueId ?? "-"})");
                context.Output.WriteLine($"follows      {g.Follow}{(g.Follow == "latest" ? ", serves " + g.ServedSha256 : string.Empty)}");
                context.Output.WriteLine($"created      {g.Created:u}");
                context.Output.WriteLine($"expires      {g.Expires:u}");
                context.Output.WriteLine($"downloads    {g.Downloads}{(g.DownloadLimit is { } l ? " of " + l.ToString(CultureInfo.InvariantCulture) : " (no limit)")}{(g.LastDownload is { } d ? ", last " + d.ToString("u", CultureInfo.InvariantCulture) : string.Empty)}");
                if (g.Revoked is { } r)
                {
                    context.Output.WriteLine($"revoked      {r:u}");
                }
            }

            if (detail.Attachment is { } a)
            {
                context.Output.WriteLine($"sha256       {a.Sha256}");
                context.Output.WriteLine($"size         {a.Size} bytes");
                context.Output.WriteLine($"references   {a.RefCount}");
                context.Output.WriteLine($"object       {a.ObjectName}");
            }
            else
            {
                context.Output.WriteLine($"content      {detail.Grant?.Sha256} (collected: the grant was released)");
            }
            foreach (var v in detail.Versions ?? [])
            {
                context.Output.WriteLine($"version {v.Version,-4} {v.Sha256} {v.Size} bytes, {v.Published:u}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Change(CliContext context, bool revoke)
    {
        var ids = new Argument<long[]>("id") { Description = "grant ids (from list)", Arity = ArgumentArity.ZeroOrMore };
        var message = new Option<string?>("--message-id") { Description = "every grant of this message (its Message-ID, with <>)" };
        var sender = new Option<string?>("--sender") { Description = "every grant of mail from this address" };
        var recipient = new Option<string?>("--recipient") { Description = "every grant for this recipient" };
        var days = new Option<int?>("--days") { Description = "extend: days added to the expiry (counted from now for an expired grant), 1-3650" };
        var limit = new Option<int?>("--download-limit") { Description = "extend: a new download limit (0: none)" };
        var (socket, json) = (AuthdCall.SocketOption(), AuthdCall.JsonOption());
        var command = revoke
            ? new Command("revoke", "Revoke grants: their links answer \"access denied\" from now on; the garbage collector then frees their content if nothing else needs it.")
            { ids, message, sender, recipient, socket, json }
            : new Command("extend", "Extend grants: more days before they expire and/or a new download limit. A grant the garbage collector released cannot be extended.")
            { ids, message, sender, recipient, days, limit, socket, json };
        string name = revoke ? "attachments revoke" : "attachments extend";
        command.SetAction((parse, ct) =>
        {
            var request = new GrantChangeRequest
            {
                Ids = parse.GetValue(ids) is { Length: > 0 } list ? list : null,
                MessageId = parse.GetValue(message),
                Sender = parse.GetValue(sender),
                Recipient = parse.GetValue(recipient),
                Days = revoke ? null : parse.GetValue(days),
                DownloadLimit = revoke ? null : parse.GetValue(limit),
            };
            if (request.Ids is null && request.MessageId is null && request.Sender is null && request.Recipient is null)
            {
                context.Error.WriteLine($"{name}: name the grants: ids, --message-id, --sender or --recipient");
                return Task.FromResult(ExitCodes.Usage);
            }

            if (!revoke && request.Days is null && request.DownloadLimit is null)
            {
                context.Error.WriteLine($"{name}: give --days and/or --download-limit");
                return Task.FromResult(ExitCodes.Usage);
            }

            return AuthdCall.RunAsync(context, name, parse.GetValue(socket)!, async client =>
            {
                var result = revoke ? await client.RevokeGrantsAsync(request, ct) : await client.ExtendGrantsAsync(request, ct);
                if (parse.GetValue(json))
                {
                    context.Output.WriteLine(JsonSerializer.Serialize(result, Json.GrantChangeResponse));
                }
                else
                {
                    context.Output.WriteLine($"{result.Changed} grant{(result.Changed == 1 ? string.Empty : "s")} {(revoke ? "revoked" : "extended")}");
                    foreach (var g in result.Grants)
                    {
                        context.Output.WriteLine($"  {g.Id} {g.Recipient} {g.FileName}: {g.State}, expires {g.Expires:u}{(g.DownloadLimit is { } l ? $", {g.Downloads} of {l} downloads" : string.Empty)}");
                    }
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static Command Gc(CliContext context)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "count what would be collected, change nothing" };
        var (socket, json) = (AuthdCall.SocketOption(), AuthdCall.JsonOption());
        var command = new Command("gc",
            "Collect garbage now: release revoked grants and grants expired longer than released_retention, then documents no grant needs, then delete content no live grant or version references (after gc_grace). authd also does this every gc_interval.")
            { dryRun, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "attachments gc", parse.GetValue(socket)!, async client =>
        {
            var r = await client.CollectGarbageAsync(parse.GetValue(dryRun), ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(r, Json.GcResponse));
            }
            else
            {
                context.Output.WriteLine($"{(r.DryRun ? "would release" : "released")} {r.GrantsReleased} grants and {r.DocumentsReleased} documents; "
                    + $"{(r.DryRun ? "would delete" : "deleted")} {r.AttachmentsDeleted} attachments ({r.BytesFreed} bytes) and {r.ProofsDeleted} expired proofs");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Usage(CliContext context)
    {
        var (socket, json) = (AuthdCall.SocketOption(), AuthdCall.JsonOption());
        var command = new Command("usage", "Show the store's use: backend, stored content and bytes against the quota, grants, downloads.") { socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "attachments usage", parse.GetValue(socket)!, async client =>
        {
            var u = await client.GetAttachmentUsageAsync(ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(u, Json.UsageResponse));
            }
            else
            {
                context.Output.WriteLine($"backend        {u.Backend}");
                context.Output.WriteLine($"attachments    {u.Attachments} ({u.Unreferenced} unreferenced)");
                context.Output.WriteLine($"bytes          {u.Bytes} (stored encrypted: {u.StoredBytes})");
                context.Output.WriteLine($"quota          {(u.Quota is { } q ? $"{q} ({100.0 * u.Bytes / q:F1}% used)" : "none")}");
                context.Output.WriteLine($"grants         {u.Grants} ({u.LiveGrants} live)");
                context.Output.WriteLine($"downloads      {u.Downloads}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Publish(CliContext context)
    {
        var sender = new Option<string>("--sender") { Description = "the address that sent the original (whose documents get the new version)", Required = true };
        var of = new Option<string>("--of") { Description = "the SHA-256 of the content that was sent (or of any earlier version)", Required = true };
        var file = new Argument<FileInfo>("file") { Description = "the new version's file" };
        var (socket, json) = (AuthdCall.SocketOption(), AuthdCall.JsonOption());
        var command = new Command("publish",
            "Publish a new version of a sent attachment: links created to follow the latest version serve it from now on; default (pinned) links keep serving exactly what was sent.")
            { sender, of, file, socket, json };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var ofText = parse.GetValue(of)!.Trim().ToLowerInvariant();
            if (ofText.Length != 64 || !ofText.All(char.IsAsciiHexDigit))
            {
                context.Error.WriteLine($"attachments publish: --of must be a SHA-256 (64 hex digits), not \"{parse.GetValue(of)}\"");
                return ExitCodes.Usage;
            }

            if (!path.Exists)
            {
                context.Error.WriteLine($"attachments publish: {path.FullName} does not exist");
                return ExitCodes.NoInput;
            }

            string sha256;
            await using (var hashing = path.OpenRead())
            {
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(hashing, ct));
            }

            return await AuthdCall.RunAsync(context, "attachments publish", parse.GetValue(socket)!, async client =>
            {
                await using var content = path.OpenRead();
                var r = await client.PublishAttachmentAsync(parse.GetValue(sender)!, ofText, sha256, content, content.Length, ct);
                if (parse.GetValue(json))
                {
                    context.Output.WriteLine(JsonSerializer.Serialize(r, Json.PublishResponse));
                }
                else
                {
                    var newest = r.Versions[^1];
                    context.Output.WriteLine($"published {sha256} ({newest.Size} bytes) as version {newest.Version}; {r.FollowingGrants} links follow the latest version");
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
