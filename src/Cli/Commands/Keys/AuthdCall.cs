using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys;

/// <summary>
/// What the commands that talk to mailfilter-authd share: the --socket and --json options, one client per
/// invocation, and the mapping of the API's refusals to exit codes scripts can rely on (ExitCodes.cs).
/// </summary>
internal static class AuthdCall
{
    /// <summary>Environment variable that changes the default socket (for scripts and tests).</summary>
    public const string SocketVariable = "MAILFILTER_AUTHD_SOCKET";

    /// <summary>The JSON the commands print: the API's own shapes, indented, without escaping '+' and '/'.</summary>
    public static AuthdJson Json { get; } = new(new JsonSerializerOptions(AuthdJson.Default.Options)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static Option<string> SocketOption() => new("--socket")
    {
        Description = $"mailfilter-authd's API socket (default: ${SocketVariable} or {AuthdRoutes.DefaultSocketPath})",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(SocketVariable) is { Length: > 0 } s ? s : AuthdRoutes.DefaultSocketPath,
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "print the result as JSON" };

    public static Option<KeyUse?> UseOption(string description) => new("--use")
    {
        Description = description,
        CustomParser = result => result.Tokens.Single().Value switch
        {
            "sign" => KeyUse.Sign,
            "encrypt" => KeyUse.Encrypt,
            "both" => null,
            var other => Fail(result, other),
        },
    };

    /// <summary>How long a command waits for authd's answer.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="body"/> with a client for the socket and turns authd's refusals into messages and exit codes.</summary>
    public static async Task<int> RunAsync(CliContext context, string command, string socket, Func<AuthdClient, Task<int>> body)
    {
        // A person waits on these calls, and some do slow work inside authd (address registration mails its code
        // through Postfix, with a 30 s SMTP timeout): give them longer than the 5 s mailfilterd's mail path uses.
        using var client = new AuthdClient(new AuthdClientOptions { SocketPath = socket, RequestTimeout = CommandTimeout });
        try
        {
            return await body(client);
        }
        catch (AttachmentStoreException e)
        {
            context.Error.WriteLine($"{command}: {e.Message}");
            return ExitCodes.Unavailable;
        }
        catch (AuthdUnavailableException e)
        {
            context.Error.WriteLine($"{command}: {e.Message}");
            return e.StatusCode == 500 ? ExitCodes.Software : ExitCodes.Unavailable;
        }
        catch (AuthdRequestException e)
        {
            context.Error.WriteLine($"{command}: {e.Message}");
            return e.StatusCode switch
            {
                403 => ExitCodes.NoPermission,
                404 => ExitCodes.NoSuchKey,
                409 => ExitCodes.CantCreate,
                _ => ExitCodes.DataError,
            };
        }
    }

    private static KeyUse? Fail(System.CommandLine.Parsing.ArgumentResult result, string value)
    {
        result.AddError($"--use must be sign, encrypt or both, not \"{value}\"");
        return null;
    }
}
