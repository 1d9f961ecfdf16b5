using System.Text;

namespace MailFilter.Mime.Tests;

/// <summary>Small generators for synthetic messages.</summary>
internal static class Build
{
    public static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s.ReplaceLineEndings("\r\n"));

    /// <summary>multipart/mixed nested <paramref name="depth"/> levels, each with its own boundary, a text leaf at the bottom.</summary>
    public static byte[] NestedMultiparts(int depth)
    {
        var sb = new StringBuilder("From: a@example.com\r\nMIME-Version: 1.0\r\n");
        for (var i = 0; i < depth; i++)
        {
            sb.Append("Content-Type: multipart/mixed; boundary=\"b").Append(i).Append("\"\r\n\r\n--b").Append(i).Append("\r\n");
        }

        sb.Append("Content-Type: text/plain\r\n\r\nbottom\r\n");
        for (var i = depth - 1; i >= 0; i--)
        {
            sb.Append("--b").Append(i).Append("--\r\n");
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>One multipart/mixed with <paramref name="count"/> small text parts.</summary>
    public static byte[] ManyParts(int count)
    {
        var sb = new StringBuilder("From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n");
        for (var i = 0; i < count; i++)
        {
            sb.Append("--x\r\nContent-Type: text/plain\r\n\r\npart ").Append(i).Append("\r\n");
        }

        sb.Append("--x--\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
