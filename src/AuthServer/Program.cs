using MailFilter.Hosting;

// mailfilter-authd: the key and registry server. Issue 4 builds it; until then it starts, answers its
// health check on the public listener (loopback by default) and stops on SIGTERM, so packaging and the
// demo can already wire it.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.AddMailFilterJournal(LogLevel.Information);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8893");
}

var app = builder.Build();
app.MapGet("/health", () => Results.Text("ok\n"));
app.Run();
