using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Endpoints;
using MailFilter.AuthServer.Keys;
using MailFilter.AuthServer.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using static MailFilter.AuthServer.Web.Html;

namespace MailFilter.AuthServer.Web;

/// <summary>
/// The registry's pages on the public listener (docs/registry.md §4.2, §6): the query page with its .eml upload, the
/// owner's registration form, the confirmation link and code pages, the manage link of reminders. GET pages only show;
/// every change is a POST (a scanner that fetches a link changes nothing). A refusal is a page with a 4xx status.
/// </summary>
public static class RegistryPages
{
    public const string Prefix = "/registry";

    /// <summary>The largest .eml upload.</summary>
    public const int MaxUpload = 10 * 1024 * 1024;

    private const int MaxForm = 64 * 1024;

    public static void Map(IEndpointRouteBuilder routes, RegistryService registry, AddressRegistrationService addresses, KeyService keys)
    {
        routes.MapGet(Prefix, context => WriteAsync(context, "Check a registered message", QueryForm()));

        routes.MapPost(Prefix + "/check", context => PageAsync(context, "Check a registered message", async () =>
        {
            var form = await ReadFormAsync(context, MaxUpload);
            string? F(string name) => form[name] is { Count: > 1 } ? throw ApiException.BadRequest($"{name}: given more than once") : form[name].ToString();
            var query = new RegistryQuery { Sender = F("sender"), Recipient = F("recipient"), Date = F("date"), ConfirmationNo = F("confirmationNo"), Signature = F("signature") };
            Stream? upload = null;
            if (form.Files.GetFile("eml") is { Length: > 0 } file)
            {
                upload = new MemoryStream();
                await file.CopyToAsync(upload, context.RequestAborted);
                var claim = UploadedMessage.Read(upload);
                query = query with
                {
                    Sender = Blank(query.Sender) ? claim.Sender : query.Sender,
                    Recipient = Blank(query.Recipient) ? claim.SingleTo : query.Recipient,
                    Date = Blank(query.Date) ? claim.Date : query.Date,
                    ConfirmationNo = Blank(query.ConfirmationNo) ? claim.ConfirmationNo : query.ConfirmationNo,
                    Signature = Blank(query.Signature) ? claim.Signature : query.Signature,
                };
            }

            var valid = RegistryQueryParser.Parse(query);
            var answer = await RegistryEndpoints.LocalOnlyAsync(registry, valid, context);
            if (answer.Result == RegistryAnswer.Match && upload is not null && !await UploadedMessage.SignatureVerifiesAsync(upload, keys, valid.Recipient, context.RequestAborted))
            {
                // The registered values are right but the uploaded message is not the one that was signed.
                answer = new RegistryAnswer { Result = RegistryAnswer.Mismatch };
            }

            return Answer(valid, answer) + "<p><a href=\"" + Prefix + "\">Check another message</a></p>";
        }));

        routes.MapGet(Prefix + "/addresses", context => WriteAsync(context, "Register your address", $"""
            <p>Registered mail lets the people you write to check that a message really comes from you.
            Enter your address; you will get a mail with a code and a link to confirm it.</p>
            <form method="post" action="{Prefix}/addresses">{Field("address", "Address")}{Field("company", "Company (optional, shown to people who check your mail)")}{Field("name", "Name (optional, shown as well)")}
            <p><button type="submit" id="submit">Register</button></p></form>
            <p><a href="{Prefix}/addresses/confirm">I have a code</a></p>
            """));

        routes.MapPost(Prefix + "/addresses", context => PageAsync(context, "Register your address", async () =>
        {
            var form = await ReadFormAsync(context, MaxForm);
            try
            {
                await addresses.SubmitAsync(form["address"].ToString(), form["company"].ToString(), form["name"].ToString(), "web " + Client(context), context.RequestAborted);
            }
            catch (ApiException e) when (e.Status == 404)
            {
                // Never say whether an address can be registered here (no enumeration): the answer below is the same.
            }

            return "<p id=\"result\">If this address can be registered here, a mail with a code and a link is on its way to it.</p>";
        }));

        routes.MapGet(Prefix + "/confirm", context => PageAsync(context, "Confirm your address", async () =>
        {
            var token = context.Request.Query["token"].ToString();
            var record = await addresses.PeekAsync(token, "confirm", context.RequestAborted);
            return $"""
                <p>Confirm the registration of <strong id="address">{E(record.Address)}</strong>{Display(record)}?</p>
                <form method="post" action="{Prefix}/confirm">{Hidden("token", token)}<p><button type="submit" id="confirm">Confirm</button></p></form>
                """;
        }));

        routes.MapPost(Prefix + "/confirm", context => PageAsync(context, "Confirm your address", async () =>
        {
            var form = await ReadFormAsync(context, MaxForm);
            var record = await addresses.ConfirmByTokenAsync(form["token"].ToString(), context.RequestAborted);
            return $"<p id=\"result\">{E(record.Address)} is confirmed. A confirmation mail is on its way.</p>";
        }));

        routes.MapGet(Prefix + "/addresses/confirm", context => WriteAsync(context, "Confirm with a code", $"""
            <form method="post" action="{Prefix}/addresses/confirm">{Field("address", "Address")}{Field("code", "Code from the mail")}
            <p><button type="submit" id="confirm">Confirm</button></p></form>
            """));

        routes.MapPost(Prefix + "/addresses/confirm", context => PageAsync(context, "Confirm with a code", async () =>
        {
            var form = await ReadFormAsync(context, MaxForm);
            var code = form["code"].ToString();
            if (!RegistrationTokens.IsCodeShape(code))
            {
                throw ApiException.BadRequest("code: not a confirmation code (10 letters and digits)");
            }

            var record = await addresses.ConfirmByCodeAsync(form["address"].ToString(), code, "code", context.RequestAborted);
            return $"<p id=\"result\">{E(record.Address)} is confirmed.</p>";
        }));

        routes.MapGet(Prefix + "/manage", context => PageAsync(context, "Your registration", async () =>
        {
            var token = context.Request.Query["token"].ToString();
            var record = await addresses.PeekAsync(token, "manage", context.RequestAborted);
            return $"""
                <p>Address: <strong id="address">{E(record.Address)}</strong>, confirmed {E(record.ConfirmedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture))}.</p>
                <form method="post" action="{Prefix}/manage">{Hidden("token", token)}{Hidden("action", "update")}{Field("company", "Company", record.Company)}{Field("name", "Name", record.Name)}
                <p><button type="submit" id="update">Update</button></p></form>
                <form method="post" action="{Prefix}/manage">{Hidden("token", token)}{Hidden("action", "unbind")}
                <p><button type="submit" id="unbind">Unbind this address</button> (your mail is no longer registered)</p></form>
                """;
        }));

        routes.MapPost(Prefix + "/manage", context => PageAsync(context, "Your registration", async () =>
        {
            var form = await ReadFormAsync(context, MaxForm);
            var action = form["action"].ToString();
            if (action is not ("update" or "unbind"))
            {
                throw ApiException.BadRequest("action: must be update or unbind");
            }

            var record = await addresses.ManageAsync(form["token"].ToString(), action == "unbind", form["company"].ToString(), form["name"].ToString(), context.RequestAborted);
            return action == "unbind"
                ? $"<p id=\"result\">{E(record.Address)} is unbound: its mail is no longer registered.</p>"
                : $"<p id=\"result\">The details of {E(record.Address)} are updated.</p>";
        }));
    }

    private static string QueryForm() => $"""
        <p>Enter what the message shows, or upload the message (.eml) and let this page read it.</p>
        <form method="post" action="{Prefix}/check" enctype="multipart/form-data">
        {Field("sender", "Sender (From)")}{Field("recipient", "Recipient (you)")}{Field("date", "Date (as in the message, or 2026-11-21T09:52:01Z)")}
        {Field("confirmationNo", "Confirmation number (X-Confirmation-No)")}{Field("signature", "Signature (128 hexadecimal characters)")}
        <label for="eml">Or the message file (.eml)</label><input type="file" id="eml" name="eml" accept=".eml,message/rfc822">
        <p><button type="submit" id="check">Check</button></p></form>
        """;

    private static string Answer(ValidQuery query, RegistryAnswer answer) => answer.Result switch
    {
        RegistryAnswer.Match => $"<p id=\"result\" data-result=\"match\"><strong>Registered and matching.</strong> This message from {E(query.Sender)} to {E(query.Recipient)} was registered by its sender{Display(answer.Display)}.</p>",
        RegistryAnswer.Mismatch => $"<p id=\"result\" data-result=\"mismatch\"><strong>Registered, but NOT matching: possible phishing or tampering.</strong> The confirmation number exists, but the message you have is not the one that was registered for you.</p>",
        _ => "<p id=\"result\" data-result=\"not-registered\"><strong>Not registered.</strong> This registry has no message with this confirmation number.</p>",
    };

    private static string Display(RegistryDisplay? d) =>
        d is null ? string.Empty : " (" + E(string.Join(", ", new[] { d.Name, d.Company }.Where(s => !string.IsNullOrEmpty(s)))) + ")";

    private static string Display(AddressRecord r) => Display(new RegistryDisplay { Company = r.Company, Name = r.Name });

    private static bool Blank(string? s) => string.IsNullOrWhiteSpace(s);

    private static string Client(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "-";

    internal static async Task<IFormCollection> ReadFormAsync(HttpContext context, int limit)
    {
        if (!context.Request.HasFormContentType)
        {
            throw ApiException.BadRequest("send the form (application/x-www-form-urlencoded or multipart/form-data)");
        }

        if (context.Request.ContentLength > limit)
        {
            throw new ApiException(413, "bad-request", $"the form is larger than {limit / 1024} KiB");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            return UrlEncodedForm.Parse(body.GetBuffer().AsSpan(0, (int)body.Length));
        }

        try
        {
            return await context.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, ValueLengthLimit = 4096, ValueCountLimit = 32 }, context.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            throw ApiException.BadRequest("malformed form: " + e.Message);
        }
    }

    /// <summary>Runs a page's work; a refusal becomes the same page with the reason and its 4xx status.</summary>
    private static async Task PageAsync(HttpContext context, string title, Func<Task<string>> body)
    {
        string html;
        int status = StatusCodes.Status200OK;
        try
        {
            html = await body();
        }
        catch (ApiException e) when (e.Status is >= 400 and < 500)
        {
            status = e.Status;
            html = $"<p id=\"error\" role=\"alert\">{E(e.Message)}</p><p><a href=\"{Prefix}\">Back</a></p>";
        }
        catch (BadHttpRequestException e)
        {
            status = e.StatusCode;
            html = $"<p id=\"error\" role=\"alert\">{E(e.Message)}</p>";
        }

        await WriteAsync(context, title, html, status);
    }
}
