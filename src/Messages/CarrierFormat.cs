namespace MailFilter.Messages;

/// <summary>
/// The names of the encrypted carrier (envelope-v1.md §3.9, docs/pipeline.md): what the writer emits and
/// the reader recognises. One place, so both sides cannot drift apart.
/// </summary>
public static class CarrierFormat
{
    /// <summary>The <c>protocol</c> parameter of the multipart/encrypted top level, and part 1's type.</summary>
    public const string Protocol = "application/vnd.mailfilter.envelope";

    /// <summary>Part 1's body: the version of the carrier.</summary>
    public const string ControlBody = "Version: 1";

    /// <summary>Part 2's file name: the age file.</summary>
    public const string EnvelopeFileName = "message.age";

    /// <summary>The Subject of the outer message (RFC 9788 header protection suggests "[...]").</summary>
    public const string ProtectedSubject = "[...]";

    /// <summary>Headers the outer message keeps; everything else travels inside. Trace fields
    /// (Received, Return-Path, X-MailFilter-Trace) above them are kept too: they belong to transport.</summary>
    public static readonly IReadOnlyList<string> KeptHeaders =
    [
        "From", "To", "Cc", "Date", "Message-ID", "MIME-Version", "In-Reply-To", "References", "Reply-To",
    ];

    /// <summary>Trace fields the outer message keeps.</summary>
    public static readonly IReadOnlyList<string> TraceHeaders = ["Received", "Return-Path", "X-MailFilter-Trace"];
}
