namespace MailFilter.Crypto.Tests.Support;

internal sealed record ProcessResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => System.Text.Encoding.UTF8.GetString(Stdout);

    public ProcessResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited with {ExitCode}: {Stderr}");
        }

        return this;
    }
}
