namespace MailFilter.Mime.Tests;

/// <summary>One message of the corpus (an mbox file gives several).</summary>
internal sealed record CorpusMessage(CorpusFile File, int Index, byte[] Bytes)
{
    public string Id => File.IsMbox ? $"{File.Path}#{Index}" : File.Path;
}
