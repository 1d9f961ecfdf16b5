using System.Globalization;
using System.Text;

namespace MailFilter.AuthServer.Registry;

/// <summary>The texts of authd's registration mails (docs/registry.md §6): plain UTF-8 text, one link per line so mail clients make it clickable.</summary>
public static class RegistryMail
{
    public static string Confirmation(string from, string to, string code, string link, TimeSpan ttl, string host) =>
        Compose(from, to, "Confirm the registration of " + to, host, $"""
            Someone (hopefully you) asked to register {to} for registered mail.
            Registered mail lets the people you write to check that a message really comes from you.

            To confirm, open this link and press Confirm:

            {link}

            or enter this code on the confirmation page: {code}

            The link and the code are valid for {Hours(ttl)} hours and can be used once.
            If you did not ask for this, ignore this mail: nothing happens without a confirmation.
            """);

    public static string Success(string from, string to, string host) =>
        Compose(from, to, "Registration of " + to + " confirmed", host, $"""
            {to} is now registered. Every message you send through this server is registered and
            stamped "X-Registered: Yes"; its recipients can check it on the query page.
            You will get a reminder with your registration details from time to time, with a link to
            correct them or to unbind the address.
            """);

    public static string Reminder(string from, string to, string? company, string? name, DateTime? confirmedAt, string link, string host) =>
        Compose(from, to, "Your registration of " + to, host, $"""
            {to} is registered for registered mail.

              address     {to}
              company     {company ?? "-"}
              name        {name ?? "-"}
              confirmed   {confirmedAt?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "-"}

            To correct these details, or to unbind the address (your mail will then no longer be
            registered), open:

            {link}

            If all is right, there is nothing to do.
            """);

    private static string Hours(TimeSpan ttl) => Math.Round(ttl.TotalHours).ToString(CultureInfo.InvariantCulture);

    /// <summary>A plain UTF-8 text mail of authd's (registry mails, conflict notices, attachment proof codes), with the Auto-Submitted mark.</summary>
    internal static string Compose(string from, string to, string subject, string host, string text, string displayName = "MailFilter registry")
    {
        var sb = new StringBuilder();
        sb.Append("From: ").Append(displayName).Append(" <").Append(from).Append(">\r\n");
        sb.Append("To: <").Append(to).Append(">\r\n");
        sb.Append("Subject: ").Append(EncodedWord(subject)).Append("\r\n");
        sb.Append("Date: ").Append(Mime.DateParser.Format(DateTimeOffset.UtcNow)).Append("\r\n");
        sb.Append("Message-ID: <").Append(Guid.NewGuid().ToString("N")).Append('@').Append(host).Append(">\r\n");
        sb.Append("Auto-Submitted: auto-generated\r\n");
        sb.Append("MIME-Version: 1.0\r\n");
        sb.Append("Content-Type: text/plain; charset=utf-8\r\n");
        sb.Append("Content-Transfer-Encoding: 8bit\r\n\r\n");
        sb.Append(text.ReplaceLineEndings("\r\n")).Append("\r\n");
        return sb.ToString();
    }

    // RFC 2047: a subject naming a non-ASCII address is sent as one UTF-8 encoded word.
    private static string EncodedWord(string text) =>
        text.All(c => c is >= ' ' and < (char)127) ? text : "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) + "?=";
}
