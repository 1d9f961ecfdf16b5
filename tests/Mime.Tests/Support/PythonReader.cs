using System.Diagnostics;
using System.Text.Json;

namespace MailFilter.Mime.Tests;

/// <summary>Runs Judge/defects.py on bytes the engine wrote: what Python's email package records and sees.</summary>
internal static class PythonReader
{
    public sealed record Result(List<string> Compat32Defects, List<string> DefaultDefects, List<ViewNode> Compat32Parts);

    public static Result Read(byte[] message)
    {
        var path = Path.Combine(Path.GetTempPath(), "mime-py-" + Guid.NewGuid().ToString("N") + ".eml");
        File.WriteAllBytes(path, message);
        try
        {
            var psi = new ProcessStartInfo(PythonJudge.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(Corpus.RepoRoot, "tests", "Mime.Tests", "Judge", "defects.py"));
            psi.ArgumentList.Add(path);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEnd();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, "defects.py failed: " + stderr);
            using var doc = JsonDocument.Parse(stdout);
            var root = doc.RootElement;
            List<string> Names(string policy) => root.GetProperty(policy).GetProperty("defects").EnumerateArray().Select(e => e.GetString()!).ToList();
            var parts = root.GetProperty("compat32").GetProperty("parts").EnumerateArray().Select(n =>
            {
                var leaf = n.GetProperty("leaf").GetBoolean();
                return new ViewNode(n.GetProperty("depth").GetInt32(), n.GetProperty("type").GetString()!, leaf, n.GetProperty("filename").GetString(),
                    leaf ? n.GetProperty("length").GetInt64() : 0, leaf ? n.GetProperty("sha256").GetString() : null);
            }).ToList();
            return new Result(Names("compat32"), Names("default"), parts);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
