using MailFilter.Attachments.Tests.Support;

namespace MailFilter.Attachments.Tests;

/// <summary>The store contract against the filesystem backend (the embedded default).</summary>
public sealed class FilesystemStoreTests(FilesystemLab lab) : StoreContractTests<FilesystemLab>(lab), IClassFixture<FilesystemLab>
{
    [Fact]
    public void Objects_are_written_under_the_store_directory_with_owner_only_modes()
    {
        var objects = Path.Combine(Lab.StorePath, "objects");
        Assert.True(Directory.Exists(objects) || !Directory.Exists(Lab.StorePath));
        if (Directory.Exists(Lab.StorePath))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Lab.StorePath));
            foreach (var file in Directory.EnumerateFiles(objects, "*", SearchOption.AllDirectories))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
                Assert.Matches("^[0-9a-f]{64}$", Path.GetFileName(file));
            }

            Assert.Empty(Directory.EnumerateFiles(Path.Combine(Lab.StorePath, "tmp")));
        }
    }
}

/// <summary>The same contract against s3rver (npm), an S3 implementation independent of MailFilter, on loopback.</summary>
public sealed class S3StoreTests(S3Lab lab) : StoreContractTests<S3Lab>(lab), IClassFixture<S3Lab>;
