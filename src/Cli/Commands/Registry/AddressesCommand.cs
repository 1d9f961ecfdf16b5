using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Registry;

/// <summary><c>mailfilterctl addresses register|confirm|list|show|unbind|remind</c>: sender address registration (docs/registry.md §6).</summary>
internal static class AddressesCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("addresses", "Administer registered sender addresses (registered mail, docs/registry.md).");

        var address = new Argument<string>("ADDRESS") { Description = "a mailbox address of a local domain" };
        var company = new Option<string?>("--company") { Description = "display information: company shown to people who query" };
        var name = new Option<string?>("--name") { Description = "display information: name shown to people who query" };
        command.Add(Single(context, "register", "Submit an address: mails it a confirmation code and link.", [address, company, name],
            (client, parse, ct) => client.RegisterAddressAsync(new AddressRequest { Address = parse.GetValue(address), Company = parse.GetValue(company), Name = parse.GetValue(name) }, ct)));

        var confirmAddress = new Argument<string>("ADDRESS") { Description = "the address" };
        var code = new Option<string?>("--code") { Description = "the code from the confirmation mail; without it the admin confirms directly (audited)" };
        command.Add(Single(context, "confirm", "Confirm an address, with the mailed code or directly.", [confirmAddress, code],
            (client, parse, ct) => client.ConfirmAddressAsync(new AddressRequest { Address = parse.GetValue(confirmAddress), Code = parse.GetValue(code) }, ct)));

        var showAddress = new Argument<string>("ADDRESS") { Description = "the address" };
        command.Add(Single(context, "show", "Show an address's registration.", [showAddress],
            async (client, parse, ct) => await client.GetAddressAsync(parse.GetValue(showAddress)!, ct)
                ?? throw new AuthdRequestException("not-found", $"{parse.GetValue(showAddress)} has no registration", 404)));

        var unbindAddress = new Argument<string>("ADDRESS") { Description = "the address" };
        command.Add(Single(context, "unbind", "Unbind an address: its mail is no longer registered.", [unbindAddress],
            (client, parse, ct) => client.UnbindAddressAsync(parse.GetValue(unbindAddress)!, ct)));

        var remindAddress = new Argument<string>("ADDRESS") { Description = "the address" };
        command.Add(Single(context, "remind", "Mail the address its registration details with a link to correct them or unbind, now.", [remindAddress],
            (client, parse, ct) => client.RemindAddressAsync(parse.GetValue(remindAddress)!, ct)));

        var domain = new Option<string?>("--domain") { Description = "only this domain" };
        var state = new Option<string?>("--state") { Description = "only pending, confirmed or unbound" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var list = new Command("list", "List registered addresses.") { domain, state, socket, json };
        list.SetAction((parse, ct) => AuthdCall.RunAsync(context, "addresses list", parse.GetValue(socket)!, async client =>
        {
            var all = await client.ListAddressesAsync(parse.GetValue(domain), parse.GetValue(state), ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new AddressList { Addresses = all }, AuthdCall.Json.AddressList));
                return ExitCodes.Ok;
            }

            foreach (var a in all)
            {
                context.Output.WriteLine($"{a.Address,-40} {a.State,-10} {Time(a.ConfirmedAt)}  {a.Name ?? "-"}  {a.Company ?? "-"}");
            }

            return ExitCodes.Ok;
        }));
        command.Add(list);
        return command;
    }

    private static Command Single(CliContext context, string name, string description, Symbol[] symbols,
        Func<AuthdClient, ParseResult, CancellationToken, Task<AddressRecord>> call)
    {
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command(name, description);
        foreach (var s in symbols)
        {
            switch (s)
            {
                case Argument a:
                    command.Add(a);
                    break;
                case Option o:
                    command.Add(o);
                    break;
            }
        }

        command.Add(socket);
        command.Add(json);
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "addresses " + name, parse.GetValue(socket)!, async client =>
        {
            var record = await call(client, parse, ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(record, AuthdCall.Json.AddressRecord));
                return ExitCodes.Ok;
            }

            context.Output.WriteLine($"{record.Address}: {record.State}");
            context.Output.WriteLine($"  company        {record.Company ?? "-"}");
            context.Output.WriteLine($"  name           {record.Name ?? "-"}");
            context.Output.WriteLine($"  requested      {Time(record.RequestedAt)}");
            context.Output.WriteLine($"  confirmed      {Time(record.ConfirmedAt)}");
            context.Output.WriteLine($"  unbound        {Time(record.UnboundAt)}");
            context.Output.WriteLine($"  last reminder  {Time(record.LastReminderAt)}");
            if (record.MailSent is { } sent)
            {
                context.Output.WriteLine(sent ? "  mail sent" : "  no mail sent ([registry] resend_interval, or confirmed already)");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Time(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
}
