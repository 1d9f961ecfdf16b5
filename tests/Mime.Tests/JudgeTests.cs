using System.Globalization;
using System.Text;

namespace MailFilter.Mime.Tests;

/// <summary>
/// The engine against Python's standard email package (Judge/judge.py) on every corpus message: content-type tree,
/// part count, file names and decoded bytes of every leaf. The disagreements, with a verdict for each from
/// TestData/judge-verdicts.tsv, are rendered into docs/mime-differences.md, which must match the checked-in file.
/// </summary>
public class JudgeTests
{
    private const double RequiredAgreement = 98.0;
    private static readonly Lazy<JudgeResult> s_result = new(Run);

    [Fact]
    public void EngineAgreesWithPythonsEmailPackageOnAtLeast98PercentOfTheCorpus()
    {
        var r = s_result.Value;
        Assert.True(r.AgreementPercent >= RequiredAgreement,
            $"agreement {r.AgreementPercent:F2}% ({r.Disagreements.Count} of {r.Total} disagree)\n" + string.Join("\n", r.Disagreements.Select(d => d.Id + ": " + d.Detail)));
    }

    [Fact]
    public void EveryDisagreementHasAVerdictAndEveryVerdictIsStillADisagreement()
    {
        var r = s_result.Value;
        var verdicts = ReadVerdicts();
        var missing = r.Disagreements.Where(d => !verdicts.ContainsKey(d.Id)).Select(d => d.Id + ": " + d.Detail).ToList();
        var stale = verdicts.Keys.Where(id => r.Disagreements.All(d => d.Id != id)).ToList();
        Assert.True(missing.Count == 0, "disagreements without a verdict in TestData/judge-verdicts.tsv:\n" + string.Join("\n", missing));
        Assert.True(stale.Count == 0, "verdicts for messages that now agree (remove them):\n" + string.Join("\n", stale));
    }

    [Fact]
    public void DifferencesDocumentIsUpToDate()
    {
        var r = s_result.Value;
        var expected = Render(r, ReadVerdicts());
        var path = Path.Combine(Corpus.RepoRoot, "docs", "mime-differences.md");
        if (Environment.GetEnvironmentVariable("MIME_UPDATE_DIFFERENCES") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), "docs/mime-differences.md is missing; run with MIME_UPDATE_DIFFERENCES=1 to generate it");
        var actual = File.ReadAllText(path);
        Assert.True(actual == expected, "docs/mime-differences.md is stale; run `MIME_UPDATE_DIFFERENCES=1 dotnet test tests/Mime.Tests --filter JudgeTests` and review the diff");
    }

    internal static string? Compare(List<ViewNode> engine, List<ViewNode> python)
    {
        if (engine.Count != python.Count)
        {
            return $"{engine.Count} entities, Python {python.Count}: engine [{string.Join(" \\| ", engine.Select(n => Escape(n.ToString())))}], Python [{string.Join(" \\| ", python.Select(n => Escape(n.ToString())))}]";
        }

        for (var i = 0; i < engine.Count; i++)
        {
            var e = engine[i];
            var p = python[i];
            if (e.Depth != p.Depth || e.Type != p.Type || e.Leaf != p.Leaf)
            {
                return $"entity {i}: engine `{e.Type}`{(e.Leaf ? " (leaf)" : string.Empty)}, Python `{Escape(p.Type)}`{(p.Leaf ? " (leaf)" : string.Empty)}";
            }

            if (e.FileName != p.FileName)
            {
                return $"entity {i} file name: engine \"{e.FileName}\", Python \"{p.FileName}\"";
            }

            if (e.Leaf && (e.Length != p.Length || e.Sha256 != p.Sha256))
            {
                return $"entity {i} ({e.Type}) decoded content: engine {e.Length} bytes, Python {p.Length} bytes";
            }
        }

        return null;
    }

    private static string Escape(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);

    private static JudgeResult Run()
    {
        var verdicts = PythonJudge.Run(Corpus.Files.Select(f => (f.FullPath, f.IsMbox)));
        var disagreements = new List<Difference>();
        var partial = new List<Difference>();
        var total = 0;
        foreach (var m in Corpus.Messages())
        {
            total++;
            using var message = MimeMessage.Load(m.Bytes);
            var engine = EngineView.Describe(message, m.Bytes);
            if (!verdicts.TryGetValue((m.File.FullPath, m.Index), out var python))
            {
                throw new InvalidOperationException("judge.py printed nothing for " + m.Id);
            }

            var vsCompat = Compare(engine, python.Compat32);
            var vsDefault = Compare(engine, python.Default);
            if (vsCompat is not null && vsDefault is not null)
            {
                disagreements.Add(new Difference(m.Id, vsCompat));
            }
            else if (vsCompat is not null)
            {
                partial.Add(new Difference(m.Id, "agrees with policy.default; with compat32: " + vsCompat));
            }
            else if (vsDefault is not null)
            {
                partial.Add(new Difference(m.Id, "agrees with compat32; with policy.default: " + vsDefault));
            }
        }

        return new JudgeResult(total, disagreements, partial);
    }

    private static Dictionary<string, (string Right, string Why)> ReadVerdicts()
    {
        var path = Path.Combine(Corpus.TestData, "judge-verdicts.tsv");
        var result = new Dictionary<string, (string, string)>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var cols = line.Split('\t');
            Assert.True(cols.Length == 3 && cols[1] is "engine" or "python" or "both", "bad verdict line: " + line);
            result[cols[0]] = (cols[1], cols[2]);
        }

        return result;
    }

    private static string Render(JudgeResult r, Dictionary<string, (string Right, string Why)> verdicts)
    {
        var sb = new StringBuilder();
        sb.Append("""
            # MIME engine vs Python's email package

            <!-- Generated by tests/Mime.Tests/JudgeTests.cs from the corpus and tests/Mime.Tests/TestData/judge-verdicts.tsv.
                 Do not edit: run `MIME_UPDATE_DIFFERENCES=1 dotnet test tests/Mime.Tests --filter JudgeTests`. -->

            The judge (`tests/Mime.Tests/Judge/judge.py`, run with Debian's `/usr/bin/python3`) parses every corpus
            message (mbox files split by `mailbox.mbox`) with `email.message_from_bytes` under both of the package's
            standard policies, `compat32` (the default) and `email.policy.default`, and prints for every entity in
            `walk()` order its depth, `get_content_type()`, whether it is a leaf, `get_filename()` (RFC 2047 decoded
            with `email.header`) and the length and SHA-256 of `get_payload(decode=True)`. The test computes the same
            from the engine's tree. A message agrees when every field of every entity matches one of the two policies.
            message/delivery-status and base64-encoded message/* parts, which Python's model holds without their bytes,
            are compared as the script's docstring explains.

            """);
        sb.Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"**{r.Total} messages: {r.Total - r.Disagreements.Count} agree ({r.AgreementPercent:F2} %), {r.Disagreements.Count} disagree** (required: at least {RequiredAgreement:F0} %).\n\n");
        sb.Append("## Disagreements\n\n");
        sb.Append("`right` says which side reads the message correctly and why; `difference` is the first difference from compat32.\n\n");
        sb.Append("| message | right | why | difference |\n|---|---|---|---|\n");
        foreach (var d in r.Disagreements)
        {
            var (right, why) = verdicts.TryGetValue(d.Id, out var v) ? v : ("?", "no verdict yet");
            sb.Append(CultureInfo.InvariantCulture, $"| `{d.Id}` | {right} | {why} | {d.Detail} |\n");
        }

        sb.Append("\n## Messages that agree with one policy only\n\n");
        sb.Append("Counted as agreeing; listed so that nothing is hidden.\n\n");
        sb.Append("| message | difference |\n|---|---|\n");
        foreach (var d in r.Partial)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| `{d.Id}` | {d.Detail} |\n");
        }

        return sb.ToString();
    }

    private sealed record Difference(string Id, string Detail);

    private sealed record JudgeResult(int Total, List<Difference> Disagreements, List<Difference> Partial)
    {
        public double AgreementPercent => 100.0 * (Total - Disagreements.Count) / Total;
    }
}
