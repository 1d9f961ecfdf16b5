using MailFilter.Lab;

namespace MailFilter.Cli.Tests;

/// <summary>A scratch directory with a mailfilter.conf and a private Postfix configuration directory (main.cf written
/// here, Debian's master.cf copied: smtpd chrooted) for the operations commands; postconf -c reads it, nothing runs.</summary>
internal sealed class OperationsScratch : IDisposable
{
    public OperationsScratch(string mainCf)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("mailfilterctl-ops-").FullName;
        PostfixConfig = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "postfix")).FullName;
        Queue = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "queue")).FullName;
        File.WriteAllText(Path.Combine(PostfixConfig, "main.cf"), $"queue_directory = {Queue}\ncompatibility_level = 3.6\n{mainCf}\n");
        File.Copy("/etc/postfix/master.cf", Path.Combine(PostfixConfig, "master.cf"));
        Config = Path.Combine(Directory, "mailfilter.conf");
    }

    public string Directory { get; }

    public string PostfixConfig { get; }

    public string Queue { get; }

    public string Config { get; }

    public static string MailfilterdBinary => Repo.BuildOutput("src/Filter", "mailfilterd");

    public void WriteConfig(string text) => File.WriteAllText(Config, text);

    public async Task<string> PostconfAsync(string name) =>
        (await ProcessRunner.RunAsync("/usr/sbin/postconf", "-c", PostfixConfig, "-h", name)).Stdout.Trim();

    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
