using System.CommandLine;
using System.Text.Json;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>
/// <c>mailfilterctl doctor [--config PATH] [--postfix-config DIR] [--socket PATH] [--authd PATH] [--public-url URL] [--json]</c>:
/// checks the whole installation (the milter socket against smtpd's chroot and its permissions, the milter order,
/// message_size_limit against the envelope overhead, the database and its migrations, the master key's
/// permissions, key expiry, the clock, the public listener) and prints what to fix. Exit 0 nothing wrong (warnings
/// allowed), 1 problems found.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(CliContext context)
    {
        var config = ConfigCommand.ConfigOption();
        var postfixConfig = PostfixSetupCommand.PostfixConfigOption();
        var signers = PostfixSetupCommand.DkimSignerOption();
        var socket = new Option<string?>("--socket") { Description = "mailfilter-authd's socket (default: [authd] socket of the config)" };
        var authd = new Option<string?>("--authd") { Description = "the mailfilter-authd binary (default: beside mailfilterctl, /usr/lib/mailfilter, then $PATH)" };
        var publicUrl = new Option<Uri?>("--public-url") { Description = "the https:// address peers use for key discovery: its certificate is checked" };
        var json = new Option<bool>("--json") { Description = "print the findings as JSON" };
        var command = new Command("doctor", "Check the installation (sockets, milter order, sizes, database, keys, clock, certificate) and say what to fix.")
        {
            config, postfixConfig, signers, socket, authd, publicUrl, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var configPath = parse.GetValue(config)!;
            var conf = ConfFile.Read(configPath);
            var findings = new List<Finding>();
            if (!File.Exists(configPath))
            {
                findings.Add(Finding.Problem("config", $"{configPath} does not exist: the daemons run on built-in defaults", "give --config PATH, or reinstall the package"));
            }

            var postconf = new Postconf(parse.GetValue(postfixConfig));
            try
            {
                var known = new List<string>(parse.GetValue(signers) ?? []);
                if (MilterList.OpenDkimSocket() is { } openDkim)
                {
                    known.Add(openDkim);
                }

                findings.AddRange(await DoctorChecks.MilterSocketAsync(conf, postconf, ct));
                findings.AddRange(await DoctorChecks.MilterOrderAsync(conf, postconf, known, ct));
                findings.AddRange(await DoctorChecks.MessageSizeAsync(conf, postconf, ct));
            }
            catch (PostfixException e)
            {
                findings.Add(Finding.Problem("postfix", e.Message, "apt install postfix, or give --postfix-config DIR"));
            }

            if ((parse.GetValue(authd) ?? ProgramLocator.Find("mailfilter-authd")) is { } binary && File.Exists(binary))
            {
                findings.Add(await DoctorChecks.DatabaseAsync(binary, configPath, conf, ct));
            }
            else
            {
                findings.Add(Finding.Problem("database", "mailfilter-authd not found: cannot check the database", "give --authd PATH"));
            }

            findings.Add(DoctorChecks.MasterKey(conf));
            string authdSocket = parse.GetValue(socket) ?? conf.Get("authd", "socket", "/run/mailfilter/authd.sock");
            findings.Add(await DoctorChecks.KeyExpiryAsync(authdSocket, TimeProvider.System, ct));
            findings.Add(await DoctorChecks.ClockAsync(ct));
            findings.Add(await DoctorChecks.PublicListenerAsync(conf, parse.GetValue(publicUrl), TimeProvider.System, ct));

            int problems = findings.Count(f => f.Severity == Severity.Problem);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    config = configPath,
                    problems,
                    warnings = findings.Count(f => f.Severity == Severity.Warning),
                    findings = findings.Select(f => new { check = f.Check, severity = f.Severity.ToString().ToLowerInvariant(), message = f.Message, fix = f.Fix }),
                }));
            }
            else
            {
                foreach (var f in findings.OrderByDescending(f => f.Severity))
                {
                    string tag = f.Severity switch { Severity.Problem => "PROBLEM", Severity.Warning => "warning", _ => "ok" };
                    context.Output.WriteLine($"{tag,-8} {f.Check}: {f.Message}");
                    if (f.Fix is not null && f.Severity != Severity.Ok)
                    {
                        context.Output.WriteLine($"         fix: {f.Fix}");
                    }
                }

                context.Output.WriteLine(problems == 0 ? "no problems found" : $"{problems} problem{(problems == 1 ? string.Empty : "s")} to fix");
            }

            return problems == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }
}
