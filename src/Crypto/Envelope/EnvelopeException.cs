using System.Diagnostics.CodeAnalysis;

namespace MailFilter.Crypto.Envelope;

/// <summary>
/// An envelope or age file was refused. <see cref="Error"/> names the check; the message never
/// contains key material or content.
/// </summary>
public sealed class EnvelopeException : Exception
{
    public EnvelopeException(EnvelopeError error)
        : base(Describe(error))
    {
        Error = error;
    }

    public EnvelopeException(EnvelopeError error, string detail)
        : base(Describe(error) + ": " + detail)
    {
        Error = error;
    }

    public EnvelopeException()
        : this(EnvelopeError.HeaderMalformed)
    {
    }

    public EnvelopeException(string message)
        : base(message)
    {
        Error = EnvelopeError.HeaderMalformed;
    }

    public EnvelopeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = EnvelopeError.HeaderMalformed;
    }

    public EnvelopeError Error { get; }

    /// <summary>The receive step of docs/envelope.md §6 that failed.</summary>
    public int Step => (int)Error / 100;

    [DoesNotReturn]
    internal static void Throw(EnvelopeError error) => throw new EnvelopeException(error);

    [DoesNotReturn]
    internal static void Throw(EnvelopeError error, string detail) => throw new EnvelopeException(error, detail);

    private static string Describe(EnvelopeError error) => $"envelope refused at step {(int)error / 100}: {error}";
}
