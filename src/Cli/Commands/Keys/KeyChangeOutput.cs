using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys;

/// <summary>Prints what a key change did (created, retired, revoked, unchanged), as lines or as the API's JSON.</summary>
internal static class KeyChangeOutput
{
    public static void Write(CliContext context, KeyChangeResponse result, bool json)
    {
        if (json)
        {
            context.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(result, AuthdCall.Json.KeyChangeResponse));
            return;
        }

        foreach (var (verb, keys) in new[] { ("created", result.Created), ("retired", result.Retired), ("revoked", result.Revoked), ("unchanged", result.Unchanged) })
        {
            foreach (var k in keys)
            {
                context.Output.WriteLine($"{verb,-9}  {k.Address}  {(k.Use == KeyUse.Sign ? "sign   " : "encrypt")}  {k.Kid}{(k.AgeRecipient is { } r && verb == "created" ? "  " + r : string.Empty)}");
            }
        }
    }
}
