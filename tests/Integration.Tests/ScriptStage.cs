using System.Globalization;
using System.Text;
using MailFilter.Filter.Milter;
using MailFilter.Milter;

namespace MailFilter.Integration.Tests;

/// <summary>
/// A test stage whose edits the message itself asks for, so that miltertest scripts and Postfix tests
/// can drive every end-of-message action through the real pipeline:
/// <c>X-Test-Add: Name: value</c>, <c>X-Test-Insert: position Name: value</c>,
/// <c>X-Test-Change: Name occurrence value</c> (empty value deletes), <c>X-Test-Body: bytes</c>,
/// <c>X-Test-Add-Rcpt: address [args]</c>, <c>X-Test-Del-Rcpt: address</c>, <c>X-Test-Chgfrom: address [args]</c>,
/// <c>X-Test-Quarantine: reason</c>, <c>X-Test-Verdict: reject|tempfail|discard</c>.
/// Recipients whose local part starts with "reject" get 550 5.1.1; sender "rejectsender@..." gets 550 5.7.1.
/// </summary>
internal sealed class ScriptStage : IOutboundStage
{
    public string Name => "script";

    public ValueTask<MilterResponse?> OnMailFromAsync(MilterContext context, EnvelopeAddress sender, CancellationToken cancellationToken) =>
        ValueTask.FromResult(sender.Address.StartsWith("rejectsender@", StringComparison.Ordinal)
            ? MilterResponse.WithReply(550, "5.7.1", "Sender rejected")
            : null);

    public ValueTask<MilterResponse?> OnRecipientAsync(MilterContext context, EnvelopeAddress recipient, CancellationToken cancellationToken) =>
        ValueTask.FromResult(recipient.Address.StartsWith("reject", StringComparison.Ordinal)
            ? MilterResponse.WithReply(550, "5.1.1", "no % user")
            : null);

    public ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken)
    {
        var m = context.Message;
        MilterResponse? verdict = null;
        foreach (var h in m.Headers.ToList())
        {
            string v = h.Value;
            switch (h.Name.ToLowerInvariant())
            {
                case "x-test-add":
                    {
                        var (name, value) = SplitHeader(v);
                        m.Headers.Add(name, value);
                        break;
                    }

                case "x-test-insert":
                    {
                        int space = v.IndexOf(' ', StringComparison.Ordinal);
                        var (name, value) = SplitHeader(v[(space + 1)..]);
                        m.Headers.Insert(int.Parse(v[..space], CultureInfo.InvariantCulture), name, value);
                        break;
                    }

                case "x-test-change":
                    {
                        var parts = v.Split(' ', 3);
                        int occurrence = int.Parse(parts[1], CultureInfo.InvariantCulture);
                        string value = parts.Length > 2 ? parts[2] : string.Empty;
                        if (value.Length == 0)
                        {
                            m.Headers.Remove(parts[0], occurrence);
                        }
                        else
                        {
                            m.Headers.Set(parts[0], value, occurrence);
                        }

                        break;
                    }

                case "x-test-body":
                    m.ReplaceBody(PatternBody(int.Parse(v, CultureInfo.InvariantCulture)));
                    break;
                case "x-test-add-rcpt":
                    {
                        var parts = v.Split(' ', 2);
                        m.AddRecipient(parts[0], parts.Length > 1 ? parts[1] : null);
                        break;
                    }

                case "x-test-del-rcpt":
                    m.RemoveRecipient(v.Trim('<', '>'));
                    break;
                case "x-test-chgfrom":
                    {
                        var parts = v.Split(' ', 2);
                        m.ChangeSender(parts[0], parts.Length > 1 ? parts[1] : null);
                        break;
                    }

                case "x-test-quarantine":
                    m.Quarantine(v);
                    break;
                case "x-test-verdict":
                    verdict = v switch
                    {
                        "reject" => MilterResponse.Reject,
                        "tempfail" => MilterResponse.Tempfail,
                        "discard" => MilterResponse.Discard,
                        _ => MilterResponse.WithReply(550, "5.7.1", v),
                    };
                    break;
            }
        }

        if (m.Headers.Any(h => h.Name.StartsWith("X-Test-", StringComparison.OrdinalIgnoreCase)))
        {
            context.AddResult("script");
        }

        return ValueTask.FromResult(verdict);
    }

    /// <summary>A deterministic body of whole CRLF lines, at least <paramref name="size"/> bytes.</summary>
    public static byte[] PatternBody(int size)
    {
        var sb = new StringBuilder(size + 100);
        int line = 0;
        while (sb.Length < size)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{line++:D6} the quick brown fox jumps over the lazy dog 0123456789 abcdefghij\r\n");
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static (string Name, string Value) SplitHeader(string s)
    {
        int colon = s.IndexOf(':', StringComparison.Ordinal);
        return (s[..colon].Trim(), s[(colon + 1)..].Trim());
    }
}
