using System.CommandLine;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MailFilter.Milter;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

namespace MailFilter.Cli.Commands;

/// <summary>
/// <c>mailfilterctl milter-check --milter SPEC FILE.eml</c>: plays the MTA's side of the milter protocol
/// against any milter (mailfilterd, OpenDKIM, ...) the way Postfix 3.7 would, and prints every reply and
/// end-of-message action it got back. With <c>--output</c> it also writes the message as Postfix would
/// store it after those actions.
/// </summary>
public static partial class MilterCheckCommand
{
    public static Command Create(CliContext context)
    {
        var milter = new Option<string>("--milter") { Description = "milter socket, Postfix syntax: unix:/path or inet:127.0.0.1:8891", Required = true };
        var from = new Option<string?>("--from") { Description = "envelope sender (default: the address in From:)" };
        var rcpt = new Option<string[]>("--rcpt") { Description = "envelope recipient, repeatable (default: the addresses in To: and Cc:)" };
        var clientAddr = new Option<string>("--client-addr") { Description = "SMTP client address shown to the milter", DefaultValueFactory = _ => "127.0.0.1" };
        var helo = new Option<string>("--helo") { Description = "HELO name shown to the milter", DefaultValueFactory = _ => "localhost" };
        var auth = new Option<string?>("--auth") { Description = "SASL login name ({auth_authen}), as for an authenticated submission" };
        var queueId = new Option<string>("--queue-id") { Description = "queue id (macro i)", DefaultValueFactory = _ => "CHECK000001" };
        var version = new Option<uint>("--protocol-version") { Description = "milter protocol version to offer (2-6)", DefaultValueFactory = _ => 6 };
        var output = new Option<string?>("--output") { Description = "write the message with the milter's edits applied to this file (- for standard output)" };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var file = new Argument<FileInfo>("FILE") { Description = "the message (.eml, RFC 5322)" };

        var command = new Command("milter-check", "Send a message through a milter as Postfix would and print the replies and actions it got back.")
        {
            milter, from, rcpt, clientAddr, helo, auth, queueId, version, output, json, file,
        };
        command.SetAction(async (parse, ct) =>
        {
            var spec = parse.GetValue(milter)!;
            if (!MilterEndpoint.TryParse(spec, out var endpoint, out var error))
            {
                context.Error.WriteLine($"milter-check: {error}");
                return ExitCodes.Usage;
            }

            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                context.Error.WriteLine($"milter-check: {path.FullName} does not exist");
                return ExitCodes.NoInput;
            }

            var message = RawMessage.Parse(await File.ReadAllBytesAsync(path.FullName, ct));
            var sender = parse.GetValue(from) ?? AddressesIn(message, "From").FirstOrDefault() ?? string.Empty;
            var recipients = parse.GetValue(rcpt) is { Length: > 0 } r ? r : [.. AddressesIn(message, "To"), .. AddressesIn(message, "Cc")];
            if (recipients.Length == 0)
            {
                context.Error.WriteLine("milter-check: no recipients: give --rcpt or a To: header");
                return ExitCodes.Usage;
            }

            var qid = parse.GetValue(queueId)!;
            var mailMacros = new Dictionary<string, string> { ["i"] = qid, ["{mail_addr}"] = sender };
            if (parse.GetValue(auth) is { } login)
            {
                mailMacros["{auth_type}"] = "PLAIN";
                mailMacros["{auth_authen}"] = login;
            }

            var tx = new MilterTransaction
            {
                ClientAddress = parse.GetValue(clientAddr)!,
                Helo = parse.GetValue(helo)!,
                Sender = $"<{sender}>",
                Recipients = recipients.Select(a => a.StartsWith('<') ? a : $"<{a}>").ToList(),
                Message = message,
                Macros = new Dictionary<MilterCommand, IReadOnlyDictionary<string, string>>
                {
                    [MilterCommand.Connect] = new Dictionary<string, string>
                    {
                        ["j"] = Environment.MachineName, ["{daemon_name}"] = "mailfilterctl", ["v"] = "mailfilterctl milter-check",
                        ["{client_addr}"] = parse.GetValue(clientAddr)!,
                    },
                    [MilterCommand.Mail] = mailMacros,
                    [MilterCommand.Recipient] = new Dictionary<string, string> { ["i"] = qid },
                    [MilterCommand.Data] = new Dictionary<string, string> { ["i"] = qid },
                    [MilterCommand.EndOfHeaders] = new Dictionary<string, string> { ["i"] = qid },
                    [MilterCommand.EndOfMessage] = new Dictionary<string, string> { ["i"] = qid },
                },
            };

            OptionNegotiation negotiated;
            MilterCheckResult result;
            try
            {
                await using var client = await MilterClient.ConnectAsync(endpoint!, ct);
                negotiated = await client.NegotiateAsync(parse.GetValue(version), cancellationToken: ct);
                result = await client.SendMessageAsync(tx, ct);
                await client.QuitAsync(ct);
            }
            catch (SocketException e)
            {
                context.Error.WriteLine($"milter-check: cannot connect to {endpoint}: {e.Message} (is the milter running?)");
                return ExitCodes.Unavailable;
            }
            catch (MilterProtocolException e)
            {
                context.Error.WriteLine($"milter-check: protocol error from {endpoint}: {e.Message}");
                return ExitCodes.Protocol;
            }

            bool exact = (negotiated.Protocol & MilterProtocolFlags.HeaderLeadingSpace) != 0;
            if (parse.GetValue(output) is { } outputPath)
            {
                var applied = MilterModificationApplier.Apply(message, result.EndOfMessage?.Modifications ?? [], exact);
                var bytes = applied.Message.ToBytes();
                if (outputPath == "-")
                {
                    await context.Output.FlushAsync(ct);
                    using var stdout = Console.OpenStandardOutput();
                    await stdout.WriteAsync(bytes, ct);
                    return Exit(result);
                }

                await File.WriteAllBytesAsync(outputPath, bytes, ct);
            }

            if (parse.GetValue(json))
            {
                WriteJson(context.Output, endpoint!, negotiated, result);
            }
            else
            {
                WriteText(context.Output, endpoint!, negotiated, result);
            }

            return Exit(result);
        });
        return command;
    }

    private static int Exit(MilterCheckResult result) =>
        result.Verdict.Code is MilterReplyCode.Continue or MilterReplyCode.Accept ? ExitCodes.Ok : ExitCodes.CheckFailed;

    private static void WriteText(TextWriter w, MilterEndpoint endpoint, OptionNegotiation n, MilterCheckResult result)
    {
        w.WriteLine($"milter {endpoint}: protocol v{n.Version}, actions 0x{(uint)n.Actions:x} ({n.Actions}), steps 0x{(uint)n.Protocol:x}");
        foreach (var (step, reply) in result.Steps)
        {
            if (reply is not null && !step.StartsWith("header ", StringComparison.Ordinal) && step != "body")
            {
                w.WriteLine($"  {step}: {reply}");
            }
        }

        var mods = result.EndOfMessage?.Modifications ?? [];
        w.WriteLine($"modifications: {mods.Count}");
        foreach (var m in mods)
        {
            w.WriteLine($"  {m}");
        }

        w.WriteLine($"verdict: {result.Verdict} (at {result.DecidedAt})");
    }

    private static void WriteJson(TextWriter w, MilterEndpoint endpoint, OptionNegotiation n, MilterCheckResult result)
    {
        var doc = new
        {
            milter = endpoint.Spec,
            negotiated = new { version = n.Version, actions = (uint)n.Actions, protocol = (uint)n.Protocol },
            steps = result.Steps.Where(s => s.Reply is not null).Select(s => new { step = s.Step, reply = s.Reply!.ToString() }),
            modifications = (result.EndOfMessage?.Modifications ?? []).Select(m => new
            {
                action = m.Code.ToString(),
                index = m.Code is MilterReplyCode.InsertHeader or MilterReplyCode.ChangeHeader ? m.Index : (uint?)null,
                name = m.Name,
                value = m.Value is null ? null : m.ValueText,
                address = m.Address is null ? null : m.AddressText,
                arguments = m.Arguments,
                bodyLength = m.Code == MilterReplyCode.ReplaceBody ? m.Body.Length : (int?)null,
            }),
            verdict = result.Verdict.ToString(),
            decidedAt = result.DecidedAt,
        };
        w.WriteLine(JsonSerializer.Serialize(doc, s_json));
    }

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>addr-specs in a header (good enough for picking defaults; not an RFC 5322 parser).</summary>
    private static IEnumerable<string> AddressesIn(RawMessage message, string header)
    {
        foreach (var (name, value) in message.Headers)
        {
            if (!string.Equals(name, header, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (Match m in AddressPattern().Matches(Encoding.UTF8.GetString(value)))
            {
                yield return m.Value.Trim('<', '>');
            }
        }
    }

    [GeneratedRegex(@"<?[^\s<>,;:""()@]+@[^\s<>,;:""()]+>?")]
    private static partial Regex AddressPattern();
}
