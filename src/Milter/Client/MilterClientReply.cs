using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Client;

/// <summary>A filter's answer to one step, as the MTA side sees it.</summary>
public sealed record MilterClientReply(MilterReplyCode Code, string? Text = null)
{
    public bool IsContinue => Code is MilterReplyCode.Continue or MilterReplyCode.Skip;

    public override string ToString() => Code switch
    {
        MilterReplyCode.Continue => "continue",
        MilterReplyCode.Accept => "accept",
        MilterReplyCode.Reject => "reject",
        MilterReplyCode.Tempfail => "tempfail",
        MilterReplyCode.Discard => "discard",
        MilterReplyCode.Skip => "skip",
        MilterReplyCode.Shutdown => "shutdown",
        MilterReplyCode.ReplyCode => $"reply \"{Text}\"",
        _ => $"'{(char)Code}'",
    };
}
