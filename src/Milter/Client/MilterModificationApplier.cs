using System.Text;
using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Client;

/// <summary>
/// Applies end-of-message modifications to a message the way Postfix 3.7's cleanup does (reference
/// §2.4): CHGHEADER by occurrence among the visible headers (empty value deletes, a missing occurrence
/// appends), INSHEADER counting the MTA's own hidden Received at the top, ADDHEADER at the end, one run
/// of REPLBODY replacing the body. Lets <c>mailfilterctl milter-check</c> show the resulting message
/// and lets tests check edit plans without an MTA.
/// </summary>
public static class MilterModificationApplier
{
    public sealed record Result(RawMessage Message, IReadOnlyList<string> AddedRecipients, IReadOnlyList<string> DeletedRecipients, string? NewSender, string? QuarantineReason);

    /// <param name="message">The message as the filter saw it (without the MTA's own Received).</param>
    /// <param name="modifications">Modifications in the order received.</param>
    /// <param name="exactHeaderValues">True when HDR_LEADSPC was negotiated (values carry their own leading space).</param>
    public static Result Apply(RawMessage message, IEnumerable<MilterModification> modifications, bool exactHeaderValues)
    {
        // Index 0 of the working list is the MTA's own Received, which the filter never saw.
        var hidden = ("\0hidden", Array.Empty<byte>());
        var headers = new List<(string Name, byte[] Value)> { hidden };
        headers.AddRange(message.Headers);
        MemoryStream? newBody = null;
        var added = new List<string>();
        var deleted = new List<string>();
        string? newSender = null;
        string? quarantine = null;

        foreach (var m in modifications)
        {
            switch (m.Code)
            {
                case MilterReplyCode.AddHeader:
                    headers.Add((m.Name!, ToMessageForm(m.Value!, exactHeaderValues)));
                    break;
                case MilterReplyCode.InsertHeader:
                    // Postfix adds 1 to Sendmail's 0-based index and counts its own Received.
                    headers.Insert((int)Math.Min(m.Index, (uint)headers.Count), (m.Name!, ToMessageForm(m.Value!, exactHeaderValues)));
                    break;
                case MilterReplyCode.ChangeHeader:
                    ChangeHeader(headers, hidden, m, exactHeaderValues);
                    break;
                case MilterReplyCode.ReplaceBody:
                    newBody ??= new MemoryStream();
                    newBody.Write(m.Body.Span);
                    break;
                case MilterReplyCode.AddRecipient:
                case MilterReplyCode.AddRecipientWithArgs:
                    added.Add(m.AddressText + (m.Arguments is null ? string.Empty : " " + m.Arguments));
                    break;
                case MilterReplyCode.DeleteRecipient:
                    deleted.Add(m.AddressText);
                    break;
                case MilterReplyCode.ChangeFrom:
                    newSender = m.AddressText + (m.Arguments is null ? string.Empty : " " + m.Arguments);
                    break;
                case MilterReplyCode.Quarantine:
                    quarantine = m.Arguments ?? string.Empty;
                    break;
            }
        }

        headers.Remove(hidden);
        var result = RawMessage.Parse([]);
        result.Headers.AddRange(headers);
        result.Body = newBody is null ? message.Body : RawMessage.ToCrlf(newBody.ToArray());
        return new Result(result, added, deleted, newSender, quarantine);
    }

    private static void ChangeHeader(List<(string Name, byte[] Value)> headers, (string, byte[]) hidden, MilterModification m, bool exact)
    {
        uint wanted = m.Index == 0 ? 1 : m.Index; // Sendmail compatibility: 0 means 1
        for (int i = 0; i < headers.Count; i++)
        {
            if (headers[i] == hidden || !string.Equals(headers[i].Name, m.Name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (--wanted == 0)
            {
                if (m.Value is { Length: 0 })
                {
                    headers.RemoveAt(i);
                }
                else
                {
                    headers[i] = (headers[i].Name, ToMessageForm(m.Value!, exact));
                }

                return;
            }
        }

        if (m.Value is { Length: > 0 })
        {
            headers.Add((m.Name!, ToMessageForm(m.Value, exact)));
        }
    }

    private static byte[] ToMessageForm(byte[] wire, bool exact)
    {
        var text = Encoding.Latin1.GetString(wire).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(exact ? text : " " + text);
    }
}
