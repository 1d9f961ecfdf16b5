using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MailFilter.AuthServer.Web;

/// <summary>Plain server-rendered pages (docs/registry.md §4.2, §6): every value HTML-encoded, no script, no external resources.</summary>
internal static class Html
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    public static Task WriteAsync(HttpContext context, string title, string body, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";
        context.Response.Headers["X-Frame-Options"] = "DENY";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>")
            .Append("<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}label{display:block;margin-top:.8em}input[type=text]{width:100%}</style>")
            .Append("</head><body><h1>").Append(E(title)).Append("</h1>\n").Append(body).Append("\n</body></html>\n");
        return context.Response.WriteAsync(page.ToString(), context.RequestAborted);
    }

    public static string Field(string name, string label, string? value = null) =>
        $"<label for=\"{name}\">{E(label)}</label><input type=\"text\" id=\"{name}\" name=\"{name}\" value=\"{E(value)}\">";

    public static string Hidden(string name, string value) => $"<input type=\"hidden\" name=\"{name}\" value=\"{E(value)}\">";
}
