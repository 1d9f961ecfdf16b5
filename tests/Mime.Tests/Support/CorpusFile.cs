namespace MailFilter.Mime.Tests;

/// <summary>One file of the corpus manifest.</summary>
internal sealed record CorpusFile(string Path, long Bytes, string Sha256, IReadOnlyList<string> Kinds, int Messages)
{
    public bool IsMbox => Kinds.Contains("mbox");

    public string FullPath => System.IO.Path.Combine(Corpus.Directory, Path);

    public byte[] ReadAllBytes() => File.ReadAllBytes(FullPath);
}
