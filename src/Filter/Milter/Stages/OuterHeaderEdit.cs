using MailFilter.Messages;
using MailFilter.Milter;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// Turns the milter's header list into the carrier's outer headers, as the same edits
/// <see cref="CarrierWriter.OuterHeaders"/> describes (pipeline.md "The encrypted carrier"): kept and trace
/// fields stay in place, the first Subject becomes <c>[...]</c>, every other field is removed (it travels
/// inside the envelope), then a Subject if there was none, MIME-Version if missing, and the multipart
/// Content-Type are appended.
/// </summary>
internal static class OuterHeaderEdit
{
    public static void Apply(HeaderList headers, string boundary)
    {
        bool subject = false;
        bool mimeVersion = false;
        for (int i = 0; i < headers.Count;)
        {
            var name = headers[i].Name;
            if (name.Equals("Subject", StringComparison.OrdinalIgnoreCase) && !subject)
            {
                headers.SetAt(i, CarrierFormat.ProtectedSubject);
                subject = true;
                i++;
            }
            else if (!name.Equals("Subject", StringComparison.OrdinalIgnoreCase) && CarrierWriter.IsKept(name))
            {
                mimeVersion |= name.Equals("MIME-Version", StringComparison.OrdinalIgnoreCase);
                i++;
            }
            else
            {
                headers.RemoveAt(i);
            }
        }

        if (!subject)
        {
            headers.Add("Subject", CarrierFormat.ProtectedSubject);
        }

        if (!mimeVersion)
        {
            headers.Add("MIME-Version", "1.0");
        }

        headers.Add("Content-Type", CarrierWriter.ContentTypeValue(boundary));
    }
}
