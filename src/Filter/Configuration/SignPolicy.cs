namespace MailFilter.Filter.Configuration;

/// <summary><c>sign =</c> in a policy section.</summary>
public enum SignPolicy
{
    /// <summary><c>always</c>: every outbound message gets a MailFilter-Signature; a request header cannot turn it off.</summary>
    Always,

    /// <summary><c>never</c>: not signed unless the client asks with <c>X-MailFilter-Sign: yes</c>.</summary>
    Never,
}
