using MailFilter.AuthClient.Protocol;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace MailFilter.Whitelist.Tests;

/// <summary>A real headless Chromium (tests/Lab/Chromium: Debian's chromium and chromedriver) drives the whitelist page of a real authd: a wrong
/// password is refused, then log in, add, remove; the admin's view shows each change.</summary>
public sealed class WebPageTests(WhitelistAuthd authd) : IClassFixture<WhitelistAuthd>
{
    [Fact]
    public async Task AUserLogsInAddsAndRemovesAnEntryOnThePage()
    {
        await authd.AddUserAsync("webuser", "web password", "kept@example.net");
        using var chromium = new Lab.Chromium();
        var browser = chromium.WebDriver;
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(15));
        browser.Navigate().GoToUrl($"http://127.0.0.1:{authd.PublicPort}{WhitelistRoutes.Page}");

        // A wrong password: the page says only what the server says.
        browser.FindElement(By.Id("name")).SendKeys("webuser");
        browser.FindElement(By.Id("password")).SendKeys("wrong password");
        browser.FindElement(By.Id("login-button")).Click();
        wait.Until(d => d.FindElement(By.Id("status")).Text == "authentication failed");
        Assert.False(browser.FindElement(By.Id("list")).Displayed);

        browser.FindElement(By.Id("password")).Clear();
        browser.FindElement(By.Id("password")).SendKeys("web password");
        browser.FindElement(By.Id("login-button")).Click();
        wait.Until(d => d.FindElement(By.Id("list")).Displayed);
        Assert.Equal("1", browser.FindElement(By.Id("version")).Text);
        Assert.Single(browser.FindElements(By.CssSelector("#entries tr[data-target='kept@example.net']")));

        browser.FindElement(By.Id("target")).SendKeys("zed@example.net");
        browser.FindElement(By.Id("contact")).SendKeys("Zed <script>alert(1)</script>");
        browser.FindElement(By.Id("add-button")).Click();
        wait.Until(d => d.FindElements(By.CssSelector("#entries tr[data-target='zed@example.net']")).Count == 1);
        Assert.Equal("2", browser.FindElement(By.Id("version")).Text);
        // Text, not markup: the name shows as typed.
        Assert.Contains("Zed <script>alert(1)</script>", browser.FindElement(By.CssSelector("#entries tr[data-target='zed@example.net']")).Text, StringComparison.Ordinal);
        Assert.Equal("Zed <script>alert(1)</script>", (await authd.Client.GetWhitelistAsync("webuser")).Entries.Single(e => e.Address == "zed@example.net").Name);

        browser.FindElement(By.Id("target")).SendKeys("not an address@");
        browser.FindElement(By.Id("add-button")).Click();
        wait.Until(d => d.FindElement(By.Id("status")).Text.Contains("is not a mail address", StringComparison.Ordinal));

        browser.FindElement(By.CssSelector("#entries tr[data-target='kept@example.net'] button.remove")).Click();
        wait.Until(d => d.FindElements(By.CssSelector("#entries tr[data-target='kept@example.net']")).Count == 0);
        var list = await authd.Client.GetWhitelistAsync("webuser");
        Assert.Equal(3, list.Version);
        Assert.Equal("zed@example.net", Assert.Single(list.Entries).Address);
    }
}
