namespace MailFilter.Filter.Milter.Stages;

/// <summary>A copy could not be re-injected: the MTA was unreachable or did not accept it.</summary>
public sealed class ReinjectionException : Exception
{
    public ReinjectionException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
