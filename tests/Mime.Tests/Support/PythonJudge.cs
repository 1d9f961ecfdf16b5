using System.Diagnostics;
using System.Text.Json;

namespace MailFilter.Mime.Tests;

/// <summary>Runs tests/Mime.Tests/Judge/judge.py with Debian's /usr/bin/python3 and reads its verdicts.</summary>
internal static class PythonJudge
{
    public const string Python = "/usr/bin/python3";

    public static string Script => Path.Combine(Corpus.RepoRoot, "tests", "Mime.Tests", "Judge", "judge.py");

    /// <summary>Runs the judge over files given as (path, isMbox); returns the nodes per (path, index).</summary>
    public static Dictionary<(string Path, int Index), JudgeVerdict> Run(IEnumerable<(string Path, bool IsMbox)> files)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Script);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        foreach (var (path, isMbox) in files)
        {
            process.StandardInput.Write(path + "\t" + (isMbox ? "mbox" : "message") + "\n");
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new TimeoutException("judge.py did not finish");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("judge.py failed: " + stderr.Result);
        }

        var result = new Dictionary<(string, int), JudgeVerdict>();
        foreach (var line in stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            result[(root.GetProperty("file").GetString()!, root.GetProperty("index").GetInt32())] =
                new JudgeVerdict(Nodes(root.GetProperty("compat32")), Nodes(root.GetProperty("default")));
        }

        return result;
    }

    private static List<ViewNode> Nodes(JsonElement parts)
    {
        var nodes = new List<ViewNode>();
        foreach (var p in parts.EnumerateArray())
        {
            var leaf = p.GetProperty("leaf").GetBoolean();
            nodes.Add(new ViewNode(
                p.GetProperty("depth").GetInt32(),
                p.GetProperty("type").GetString()!,
                leaf,
                p.GetProperty("filename").GetString(),
                leaf ? p.GetProperty("length").GetInt64() : 0,
                leaf ? p.GetProperty("sha256").GetString() : null));
        }

        return nodes;
    }
}
