namespace MailFilter.Mime;

public sealed partial class MimeReader
{
    private enum MultipartState : byte
    {
        Preamble,
        Parts,
        Epilogue,
    }

    /// <summary>One open entity. The stack of frames is the reader's only recursion, bounded by <see cref="MimeOptions.MaxDepth"/>.</summary>
    private sealed class Frame
    {
        public Frame(int depth, bool defaultIsMessage)
        {
            Depth = depth;
            DefaultIsMessage = defaultIsMessage;
        }

        public int Depth { get; }

        /// <summary>Inside multipart/digest, where a part without Content-Type is message/rfc822 (RFC 2046 §5.1.5).</summary>
        public bool DefaultIsMessage { get; }

        /// <summary><see cref="MimeBodyKind.None"/> while the header block is being read.</summary>
        public MimeBodyKind Kind { get; set; }

        public MultipartState State { get; set; }

        /// <summary>"--" + boundary, for multiparts.</summary>
        public byte[]? Delimiter { get; set; }

        public bool IsDigest { get; set; }

        public int HeaderCount { get; set; }

        public int HeaderBytes { get; set; }

        public int LineCount { get; set; }

        /// <summary>Raw value of the first Content-Type field.</summary>
        public byte[]? ContentType { get; set; }

        /// <summary>Raw value of the first Content-Transfer-Encoding field.</summary>
        public byte[]? TransferEncoding { get; set; }

        public bool EndDefectReported { get; set; }

        /// <summary>A multipart whose boundary lines still end parts: in its preamble or between parts, not in its epilogue.</summary>
        public bool IsActiveMultipart => Kind == MimeBodyKind.Multipart && State != MultipartState.Epilogue;
    }
}
