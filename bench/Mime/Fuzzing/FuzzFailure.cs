namespace MailFilter.Mime.Fuzzing;

/// <summary>An invariant the fuzzer checks did not hold.</summary>
public sealed class FuzzFailure : Exception
{
    public FuzzFailure(string message)
        : base(message)
    {
    }

    public FuzzFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FuzzFailure()
    {
    }
}
