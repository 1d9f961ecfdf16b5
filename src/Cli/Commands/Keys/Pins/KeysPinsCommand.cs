using System.CommandLine;

namespace MailFilter.Cli.Commands.Keys.Pins;

/// <summary><c>mailfilterctl keys pins ...</c>: keys of other domains pinned by discovery, and the pin changes waiting for the admin (docs/authd-api.md §8).</summary>
internal static class KeysPinsCommand
{
    public static Command Create(CliContext context) => new("pins", "Keys of other domains pinned by key discovery, and changes of them waiting for a decision.")
    {
        KeysPinsListCommand.Create(context),
        KeysPinsShowCommand.Create(context),
        KeysPinsAcceptCommand.Create(context),
        KeysPinsRejectCommand.Create(context),
    };
}
