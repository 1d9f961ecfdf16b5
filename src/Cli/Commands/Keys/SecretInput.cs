using System.Text;

namespace MailFilter.Cli.Commands.Keys;

/// <summary>Reading secrets for commands: a file (or "-" for standard input), or a prompt on the terminal without echo.</summary>
internal static class SecretInput
{
    /// <summary>The first line of <paramref name="path"/>, or of standard input for "-".</summary>
    public static string ReadFirstLine(string path) =>
        (path == "-" ? Console.In.ReadLine() : File.ReadLines(path).FirstOrDefault())?.TrimEnd('\r', '\n')
            ?? throw new IOException($"{path} is empty");

    /// <summary>Every non-comment line of a key file (age identity files have # comments).</summary>
    public static string ReadKeyText(string path)
    {
        var text = path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);
        return string.Join('\n', text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))).Trim();
    }

    /// <summary>Asks on the terminal (twice when <paramref name="confirm"/>); null when there is no terminal.</summary>
    public static string? Prompt(TextWriter error, string question, bool confirm)
    {
        if (Console.IsInputRedirected)
        {
            return null;
        }

        string first = ReadHidden(error, question);
        if (confirm && ReadHidden(error, "again: ") != first)
        {
            throw new IOException("the passphrases differ");
        }

        return first;
    }

    private static string ReadHidden(TextWriter error, string question)
    {
        error.Write(question);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                error.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
