using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace MailFilter.Lab;

/// <summary>
/// A real headless Chromium (Debian's chromium + chromium-driver) driven through Selenium WebDriver: the browser a
/// person would use on the registry pages or to follow a link from a mail. One per test class; chromedriver is a child
/// process Selenium starts and stops by its own PID. Downloads go to <see cref="DownloadDirectory"/> without asking.
/// </summary>
public sealed class Chromium : IDisposable
{
    private readonly ChromeDriver _driver;
    private readonly string _profile;

    public Chromium()
    {
        DownloadDirectory = Directory.CreateTempSubdirectory("mailfilter-downloads-").FullName;
        _profile = Directory.CreateTempSubdirectory("mailfilter-chromium-").FullName;
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--user-data-dir=" + _profile);
        options.AddUserProfilePreference("download.default_directory", DownloadDirectory);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        options.AddUserProfilePreference("safebrowsing.enabled", false);
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        _driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
    }

    public static string Browser => File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : "/usr/lib/chromium/chromium";

    public static string Driver => File.Exists("/usr/bin/chromedriver") ? "/usr/bin/chromedriver" : "/usr/lib/chromium/chromedriver";

    /// <summary>The WebDriver itself, for a test that drives a scripted page element by element.</summary>
    public IWebDriver WebDriver => _driver;

    /// <summary>Where downloads are saved.</summary>
    public string DownloadDirectory { get; }

    public void Open(string url) => _driver.Navigate().GoToUrl(url);

    /// <summary>Clicks the first link (&lt;a&gt;) whose text is <paramref name="text"/>.</summary>
    public void ClickLink(string text) => _driver.FindElement(By.LinkText(text)).Click();

    /// <summary>Clicks the element with this id without waiting for anything (e.g. a button that starts a download).</summary>
    public void Press(string id) => _driver.FindElement(By.Id(id)).Click();

    /// <summary>Waits until the current page is loaded and has an element with this id.</summary>
    public void WaitFor(string id)
    {
        var wait = new WebDriverWait(_driver, TimeSpan.FromSeconds(30));
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        wait.Until(d => Equals(((IJavaScriptExecutor)d).ExecuteScript("return document.readyState"), "complete") && d.FindElements(By.Id(id)).Count > 0);
    }

    /// <summary>Waits until a download is complete in <see cref="DownloadDirectory"/> (no .crdownload left) and returns its path.</summary>
    public string WaitForDownload(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            // While it downloads, Chromium writes a hidden temporary file, then NAME.crdownload, then renames it to NAME.
            var files = Directory.GetFiles(DownloadDirectory);
            bool busy = files.Any(f => Path.GetFileName(f).StartsWith('.') || f.EndsWith(".crdownload", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal));
            if (files.Length == 1 && !busy)
            {
                return files[0];
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"no finished download in {DownloadDirectory} after {timeout.TotalSeconds} s: {string.Join(", ", Directory.GetFiles(DownloadDirectory))}");
    }

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
        foreach (var directory in (string[])[DownloadDirectory, _profile])
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
