namespace MailFilter.Mime;

/// <summary>One piece of an mbox file: kind, absolute offset and length (the first Length bytes of the buffer passed in).</summary>
public readonly record struct MboxEvent(MboxEventKind Kind, long Offset, int Length);
