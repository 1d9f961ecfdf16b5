namespace MailFilter.Filter.Configuration;

/// <summary>The spellings of policy values, shared by the config file and the request headers
/// (<c>X-MailFilter-Sign: yes|no</c>, <c>X-MailFilter-Encrypt: never|when-possible|required</c>).</summary>
public static class PolicyValues
{
    public static bool TryParseSign(string text, out SignPolicy value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "always" or "yes":
                value = SignPolicy.Always;
                return true;
            case "never" or "no":
                value = SignPolicy.Never;
                return true;
            default:
                value = default;
                return false;
        }
    }

    public static bool TryParseEncrypt(string text, out EncryptPolicy value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "never" or "no":
                value = EncryptPolicy.Never;
                return true;
            case "when-possible":
                value = EncryptPolicy.WhenPossible;
                return true;
            case "required" or "yes":
                value = EncryptPolicy.Required;
                return true;
            default:
                value = default;
                return false;
        }
    }

    public static string Name(EncryptPolicy value) => value switch
    {
        EncryptPolicy.Never => "never",
        EncryptPolicy.WhenPossible => "when-possible",
        _ => "required",
    };
}
