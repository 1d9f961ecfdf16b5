using System.CommandLine;

namespace MailFilter.Cli.Commands.Keys;

/// <summary><c>mailfilterctl keys ...</c>: the key administration commands, each talking to mailfilter-authd's socket.</summary>
internal static class KeysCommand
{
    public static Command Create(CliContext context) => new("keys", "Administer the keys held by mailfilter-authd.")
    {
        KeysGenerateCommand.Create(context),
        KeysListCommand.Create(context),
        KeysShowCommand.Create(context),
        KeysRotateCommand.Create(context),
        KeysRevokeCommand.Create(context),
        KeysExportPublicCommand.Create(context),
        KeysImportCommand.Create(context),
        KeysBackupCommand.Create(context),
        KeysRestoreCommand.Create(context),
        KeysExportCommand.Create(context),
        Pins.KeysPinsCommand.Create(context),
    };
}
