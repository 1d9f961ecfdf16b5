using System.Diagnostics.CodeAnalysis;

namespace MailFilter.Milter.Wire;

/// <summary>The peer broke the milter protocol. The connection is closed; other connections are unaffected.</summary>
public sealed class MilterProtocolException : Exception
{
    public MilterProtocolException(MilterProtocolError error, string message)
        : base(message)
    {
        Error = error;
    }

    public MilterProtocolException()
        : this(MilterProtocolError.MalformedPayload, "malformed milter packet")
    {
    }

    public MilterProtocolException(string message)
        : this(MilterProtocolError.MalformedPayload, message)
    {
    }

    public MilterProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = MilterProtocolError.MalformedPayload;
    }

    public MilterProtocolError Error { get; }

    [DoesNotReturn]
    internal static void Throw(MilterProtocolError error, string message) => throw new MilterProtocolException(error, message);
}
