using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace MailFilter.Registry.Tests.Support;

/// <summary>
/// A real headless Chromium (Debian's chromium + chromium-driver) driven through Selenium WebDriver: the browser a
/// person would use on the registry pages. One per test class; chromedriver is a child process Selenium starts and
/// stops by its own PID.
/// </summary>
public sealed class Chromium : IDisposable
{
    private readonly ChromeDriver _driver;

    public Chromium()
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--user-data-dir=" + Directory.CreateTempSubdirectory("mailfilter-chromium-").FullName);
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        _driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
    }

    public static string Browser => File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : "/usr/lib/chromium/chromium";

    public static string Driver => File.Exists("/usr/bin/chromedriver") ? "/usr/bin/chromedriver" : "/usr/lib/chromium/chromedriver";

    public void Open(string url) => _driver.Navigate().GoToUrl(url);

    public void Type(string id, string text)
    {
        var field = _driver.FindElement(By.Id(id));
        field.Clear();
        field.SendKeys(text);
    }

    /// <summary>Chooses a file for an &lt;input type=file&gt;.</summary>
    public void Upload(string id, string path) => _driver.FindElement(By.Id(id)).SendKeys(path);

    /// <summary>
    /// Clicks a button and waits for the next page to be loaded and to have an element with id result or error. The
    /// old page is marked with a script variable first: the new page is the one without it. (Asking the old page's
    /// element whether it went stale raced with the navigation: Chromium answers a node of a document being torn
    /// down with an "unknown error", and the new page may still be loading.)
    /// </summary>
    public void Click(string id)
    {
        var js = (IJavaScriptExecutor)_driver;
        js.ExecuteScript("window.mailfilterOldPage = true;");
        _driver.FindElement(By.Id(id)).Click();
        var next = new WebDriverWait(_driver, TimeSpan.FromSeconds(30));
        next.IgnoreExceptionTypes(typeof(WebDriverException));
        next.Until(d =>
        {
            var state = ((IJavaScriptExecutor)d).ExecuteScript(
                "return window.mailfilterOldPage === true ? 'old' : document.readyState;");
            return Equals(state, "complete")
                && (d.FindElements(By.Id("result")).Count > 0 || d.FindElements(By.Id("error")).Count > 0);
        });
    }

    /// <summary>The text of the element with this id, or null when the page has none.</summary>
    public string? Text(string id) => _driver.FindElements(By.Id(id)) is { Count: > 0 } found ? found[0].Text : null;

    /// <summary>An attribute of the element with this id.</summary>
    public string? Attribute(string id, string name) => _driver.FindElements(By.Id(id)) is { Count: > 0 } found ? found[0].GetAttribute(name) : null;

    public string PageText => _driver.FindElement(By.TagName("body")).Text;

    public void Dispose()
    {
        _driver.Quit();
        _driver.Dispose();
    }
}
