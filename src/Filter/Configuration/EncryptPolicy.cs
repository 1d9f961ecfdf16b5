namespace MailFilter.Filter.Configuration;

/// <summary><c>encrypt =</c> in a policy section, or the <c>X-MailFilter-Encrypt</c> request header.</summary>
public enum EncryptPolicy
{
    /// <summary><c>never</c>: the message leaves signed only (or as it is, when not signed).</summary>
    Never,

    /// <summary><c>when-possible</c>: encrypted when every recipient has a key, else signed only to everyone.</summary>
    WhenPossible,

    /// <summary><c>required</c>: a recipient without a key refuses the message (550 5.7.1 naming them).</summary>
    Required,
}
