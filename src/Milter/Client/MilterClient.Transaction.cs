using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Client;

public sealed partial class MilterClient
{
    /// <summary>
    /// Runs one whole transaction the way Postfix's smtpd does: CONNECT, HELO, MAIL, each RCPT, DATA,
    /// the headers, EOH, the body in chunks, EOM. Stops at the first final verdict (a rejected recipient
    /// only drops that recipient). Ends with ABORT, as Postfix does after every message.
    /// </summary>
    public async Task<MilterCheckResult> SendMessageAsync(MilterTransaction tx, CancellationToken cancellationToken = default)
    {
        var steps = new List<(string, MilterClientReply?)>();
        MilterClientReply? decided = null;
        string decidedAt = "eom";

        bool Record(string step, MilterClientReply? reply)
        {
            if (reply is null)
            {
                return true; // no reply was due (a no-reply flag or a suppressed step)
            }

            steps.Add((step, reply));
            if (reply is null || reply.IsContinue)
            {
                return true;
            }

            decided = reply;
            decidedAt = step;
            return false;
        }

        async Task Macros(MilterCommand stage)
        {
            await SendMacrosAsync(stage, tx.Macros.TryGetValue(stage, out var m) ? m : null, cancellationToken);
        }

        if (!SessionOpened)
        {
            SessionOpened = true;
            await Macros(MilterCommand.Connect);
            var family = tx.ClientAddress.Contains(':', StringComparison.Ordinal) ? ConnectFamily.Inet6 : ConnectFamily.Inet;
            if (!Record("connect", await ConnectAsync(tx.ClientHostname, family, tx.ClientPort, tx.ClientAddress, cancellationToken)))
            {
                return Result(steps, null, decided!, decidedAt);
            }

            await Macros(MilterCommand.Helo);
            if (!Record("helo", await HeloAsync(tx.Helo, cancellationToken)))
            {
                return Result(steps, null, decided!, decidedAt);
            }
        }

        await Macros(MilterCommand.Mail);
        if (!Record("mail", await MailFromAsync([tx.Sender, .. tx.SenderArguments], cancellationToken)))
        {
            await AbortAsync(cancellationToken);
            return Result(steps, null, decided!, decidedAt);
        }

        int accepted = 0;
        foreach (var rcpt in tx.Recipients)
        {
            await Macros(MilterCommand.Recipient);
            var reply = await RecipientAsync([rcpt], cancellationToken);
            if (reply is not null)
            {
                steps.Add(($"rcpt {rcpt}", reply));
            }

            if (reply is null || reply.IsContinue)
            {
                accepted++;
            }
            else if (reply.Code is not (MilterReplyCode.Reject or MilterReplyCode.Tempfail or MilterReplyCode.ReplyCode))
            {
                decided = reply;
                decidedAt = $"rcpt {rcpt}";
                await AbortAsync(cancellationToken);
                return Result(steps, null, decided, decidedAt);
            }
        }

        if (accepted == 0)
        {
            // Every recipient was refused: an MTA would not go on to DATA.
            await AbortAsync(cancellationToken);
            var last = steps[^1].Item2!;
            return Result(steps, null, last, steps[^1].Item1);
        }

        await Macros(MilterCommand.Data);
        if (!Record("data", await DataAsync(cancellationToken)))
        {
            await AbortAsync(cancellationToken);
            return Result(steps, null, decided!, decidedAt);
        }

        foreach (var (name, value) in tx.Message.Headers)
        {
            await Macros(MilterCommand.Header);
            var wire = RawMessage.ToLfFolds(value);
            var headerReply = await HeaderAsync(name, wire, cancellationToken);
            if (headerReply is not null && !Record("header " + name, headerReply))
            {
                await AbortAsync(cancellationToken);
                return Result(steps, null, decided!, decidedAt);
            }
        }

        await Macros(MilterCommand.EndOfHeaders);
        if (!Record("eoh", await EndOfHeadersAsync(cancellationToken)))
        {
            await AbortAsync(cancellationToken);
            return Result(steps, null, decided!, decidedAt);
        }

        var body = tx.Message.Body;
        for (int offset = 0; offset < body.Length; offset += MilterFrame.MaxChunkSize)
        {
            await Macros(MilterCommand.Body);
            int n = Math.Min(MilterFrame.MaxChunkSize, body.Length - offset);
            var reply = await BodyChunkAsync(body.AsMemory(offset, n), cancellationToken);
            if (reply?.Code == MilterReplyCode.Skip)
            {
                steps.Add(("body", reply));
                break;
            }


            if (!Record("body", reply))
            {
                await AbortAsync(cancellationToken);
                return Result(steps, null, decided!, decidedAt);
            }
        }

        await Macros(MilterCommand.EndOfMessage);
        var eom = await EndOfMessageAsync(cancellationToken);
        steps.Add(("eom", eom.Final));
        await AbortAsync(cancellationToken);
        return Result(steps, eom, eom.Final, "eom");
    }

    private static MilterCheckResult Result(List<(string, MilterClientReply?)> steps, EndOfMessageResult? eom, MilterClientReply verdict, string at) =>
        new() { Steps = steps, EndOfMessage = eom, Verdict = verdict, DecidedAt = at };
}
