namespace MailFilter.Messages.Tests;

public class CarrierFormatTests
{
    [Fact]
    public void TheCarrierNamesFollowTheEnvelopeSpec()
    {
        Assert.Equal("application/vnd.mailfilter.envelope", CarrierFormat.Protocol);
        Assert.Equal("message.age", CarrierFormat.EnvelopeFileName);
        Assert.Contains("Message-ID", CarrierFormat.KeptHeaders);
        Assert.DoesNotContain("Subject", CarrierFormat.KeptHeaders);
    }
}
