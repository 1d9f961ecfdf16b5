using System.Globalization;
using MailFilter.Milter;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

namespace MailFilter.Bench.Milter;

/// <summary>The milter-level benchmarks' message: alice, authenticated (so outbound), to bob, with a queue id per connection.</summary>
public static class OutboundTransaction
{
    public static MilterTransaction Create(RawMessage message, int connection) => new()
    {
        Sender = "<alice@example.test>",
        Recipients = ["<bob@example.test>"],
        Message = message,
        Macros = new Dictionary<MilterCommand, IReadOnlyDictionary<string, string>>
        {
            [MilterCommand.Mail] = new Dictionary<string, string> { ["{auth_authen}"] = "alice" },
            [MilterCommand.EndOfMessage] = new Dictionary<string, string> { ["i"] = "4XyZ" + connection.ToString(CultureInfo.InvariantCulture) },
        },
    };
}
