using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>
/// <c>mailfilterctl config check [--config PATH] [--json]</c>: the file as both daemons read it. Each daemon checks
/// its own sections (<c>--check-config</c>), so what this reports is exactly what would stop a start or a reload;
/// every problem is shown as <c>FILE:LINE: [section] key = value: what is wrong</c>. Exit 0 valid, 78 not, 69 when a
/// daemon's binary is missing.
/// </summary>
internal static partial class ConfigCommand
{
    private static readonly string[] s_programs = ["mailfilterd", "mailfilter-authd"];

    public sealed record Problem(string Program, string File, int? Line, string? Section, string? Key, string Message);

    public static Command Create(CliContext context)
    {
        var config = ConfigOption();
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var mailfilterd = new Option<string?>("--mailfilterd") { Description = "the mailfilterd binary (default: beside mailfilterctl, /usr/lib/mailfilter, then $PATH)" };
        var authd = new Option<string?>("--authd") { Description = "the mailfilter-authd binary (default: likewise)" };
        var check = new Command("check", "Check mailfilter.conf as mailfilterd and mailfilter-authd read it; say what is wrong and where.") { config, json, mailfilterd, authd };
        check.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(config)!;
            if (!File.Exists(path))
            {
                context.Error.WriteLine($"config check: {path} does not exist (give --config PATH)");
                return ExitCodes.Config;
            }

            var problems = new List<Problem>();
            foreach (var program in s_programs)
            {
                var binary = parse.GetValue(program == "mailfilterd" ? mailfilterd : authd) ?? ProgramLocator.Find(program);
                if (binary is null || !File.Exists(binary))
                {
                    context.Error.WriteLine($"config check: {program} not found beside mailfilterctl, in /usr/lib/mailfilter or on $PATH");
                    return ExitCodes.Unavailable;
                }

                var result = await ProgramLocator.RunAsync(binary, ["--config", path, "--check-config"], cancellationToken: ct);
                problems.AddRange(Parse(program, path, result.Stderr));
            }

            // [log] belongs to both: the same problem reported twice is one problem.
            problems = [.. problems.DistinctBy(p => p.Message).OrderBy(p => p.Line ?? 0)];
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    file = path,
                    valid = problems.Count == 0,
                    problems = problems.Select(p => new { program = p.Program, line = p.Line, section = p.Section, key = p.Key, message = p.Message }),
                }));
            }
            else if (problems.Count == 0)
            {
                context.Output.WriteLine($"{path}: valid for mailfilterd and mailfilter-authd");
            }
            else
            {
                foreach (var p in problems)
                {
                    string where = p.Line is int line ? $"{p.File}:{line.ToString(CultureInfo.InvariantCulture)}" : p.File;
                    context.Output.WriteLine($"{where}: {p.Message} ({p.Program})");
                }

                context.Output.WriteLine($"{problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")}: the daemons refuse to start (exit 78) and a reload keeps the old settings until fixed");
            }

            return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Config;
        });
        return new Command("config", "Configuration file.") { check };
    }

    public static Option<string> ConfigOption() =>
        new("--config") { Description = "mailfilter.conf", DefaultValueFactory = _ => ConfFile.DefaultPath };

    /// <summary>The daemon's <c>--check-config</c> lines (<c>PROGRAM: FILE: PROBLEM</c>) as problems with their line.</summary>
    internal static IEnumerable<Problem> Parse(string program, string path, string stderr)
    {
        var conf = ConfFile.Read(path);
        var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        string prefix = $"{program}: {path}: ";
        foreach (var raw in stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var message = raw.StartsWith(prefix, StringComparison.Ordinal) ? raw[prefix.Length..]
                : raw.StartsWith(program + ": ", StringComparison.Ordinal) ? raw[(program.Length + 2)..] : raw;
            if (SettingPattern().Match(message) is { Success: true } m)
            {
                string section = m.Groups["section"].Value;
                string? key = m.Groups["key"].Success ? m.Groups["key"].Value : null;
                yield return new Problem(program, path, conf.LineOf(section, key), section, key, message);
            }
            else if (QuotedLinePattern().Match(message) is { Success: true } q)
            {
                // "not an INI file: Unrecognized line format: 'text'": the line that holds the text.
                int index = Array.FindIndex(lines, l => l.Trim() == q.Groups[1].Value.Trim());
                yield return new Problem(program, path, index >= 0 ? index + 1 : null, null, null, message);
            }
            else
            {
                yield return new Problem(program, path, null, null, null, message);
            }
        }
    }

    [GeneratedRegex(@"^\[(?<section>[^\]]+)\](?: (?<key>[^\s=:]+))?")]
    private static partial Regex SettingPattern();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex QuotedLinePattern();
}
