namespace MailFilter.Mime.Tests;

/// <summary>Python's view of one message under its two standard policies.</summary>
internal sealed record JudgeVerdict(List<ViewNode> Compat32, List<ViewNode> Default);
