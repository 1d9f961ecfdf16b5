using MailFilter.Milter.Wire;

namespace MailFilter.Milter;

/// <summary>
/// Turns the difference between the headers the MTA sent and the headers the stages left into milter
/// actions, computing each index the way Postfix 3.7 applies it (cleanup_milter.c):
/// <list type="bullet">
/// <item>CHGHEADER's index is the 1-based occurrence among the headers of that name as they stand at that
/// moment (deleted ones no longer count); Postfix's own Received is not among them.</item>
/// <item>INSHEADER's index n puts the header after n headers <i>counting</i> Postfix's own Received at
/// the top, so position p among the visible headers is index p + 1.</item>
/// <item>ADDHEADER appends after the last header.</item>
/// </list>
/// The plan simulates the list step by step so every index refers to the state Postfix will have.
/// Order: deletions, changes, insertions, appends. Body and envelope edits are planned separately.
/// </summary>
public static class MilterEditPlanner
{
    /// <summary>Headers Postfix keeps above the ones it shows (its own Received).</summary>
    public const int HiddenTopHeaders = 1;

    public static List<MilterModification> PlanHeaders(HeaderList headers)
    {
        var plan = new List<MilterModification>();
        var final = new HashSet<MessageHeader>(headers, ReferenceEqualityComparer.Instance);

        // The list as Postfix holds it, changing as the plan goes.
        var current = new List<MessageHeader>(headers.Original);

        foreach (var original in headers.Original)
        {
            if (!final.Contains(original))
            {
                uint occurrence = Occurrence(current, original);
                plan.Add(MilterModification.DeleteHeader(occurrence, original.Name));
                current.Remove(original);
            }
        }

        foreach (var header in headers)
        {
            if (header.IsOriginal && header.IsChanged)
            {
                plan.Add(MilterModification.ChangeHeader(Occurrence(current, header), header.Name, header.RawValue));
            }
        }

        // Insertions: walk the final list; everything before position j is already in place.
        int lastOriginal = -1;
        for (int j = 0; j < headers.Count; j++)
        {
            if (headers[j].IsOriginal)
            {
                lastOriginal = j;
            }
        }

        for (int j = 0; j < headers.Count; j++)
        {
            var header = headers[j];
            if (header.IsOriginal)
            {
                continue;
            }

            if (j > lastOriginal)
            {
                plan.Add(MilterModification.AddHeader(header.Name, header.RawValue));
            }
            else
            {
                plan.Add(MilterModification.InsertHeader((uint)(j + HiddenTopHeaders), header.Name, header.RawValue));
                current.Insert(j, header);
            }
        }

        return plan;
    }

    /// <summary>Envelope edits in the order they are sent after the headers and the body.</summary>
    public static List<MilterModification> PlanEnvelope(MilterMessage message)
    {
        var plan = new List<MilterModification>();
        foreach (var removed in message.RemovedRecipients)
        {
            plan.Add(new MilterModification { Code = MilterReplyCode.DeleteRecipient, Address = removed.RawBytes });
        }

        foreach (var added in message.AddedRecipients)
        {
            bool withArgs = added.Arguments.Count > 0;
            plan.Add(new MilterModification
            {
                Code = withArgs ? MilterReplyCode.AddRecipientWithArgs : MilterReplyCode.AddRecipient,
                Address = added.RawBytes,
                Arguments = withArgs ? string.Join(' ', added.Arguments) : null,
            });
        }

        if (message.NewSender is { } sender)
        {
            plan.Add(new MilterModification
            {
                Code = MilterReplyCode.ChangeFrom,
                Address = sender.RawBytes,
                Arguments = sender.Arguments.Count > 0 ? string.Join(' ', sender.Arguments) : null,
            });
        }

        if (message.QuarantineReason is { } reason)
        {
            plan.Add(new MilterModification { Code = MilterReplyCode.Quarantine, Arguments = reason });
        }

        return plan;
    }

    private static uint Occurrence(List<MessageHeader> current, MessageHeader target)
    {
        uint n = 0;
        foreach (var h in current)
        {
            if (string.Equals(h.Name, target.Name, StringComparison.OrdinalIgnoreCase))
            {
                n++;
                if (ReferenceEquals(h, target))
                {
                    return n;
                }
            }
        }

        throw new InvalidOperationException("header not in the simulated list");
    }
}
