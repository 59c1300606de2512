using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using BackorderDashboard.Benchmarks;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BackorderDashboard.Tests.Benchmarks;

/// <summary>
/// What an open page costs the server: the app runs as its own server process (as built, Server GC and all) on a store
/// with real data, Chromium opens 50 and then 200 pages of the queue and of the key figures, all signed in as one user,
/// and after a full blocking collection in the app's process (<see cref="StartupHook"/>) the managed heap and the
/// working set are read before, at 50, at 200 and after every page is closed again. It prints a table and writes it to
/// <c>memory-per-page.md</c> next to this assembly. The spec's target is asserted (memory, not speed: a busy machine
/// does not change it): at most 2 MB of managed heap per open page, and closed pages give their circuits and their
/// memory back. Run it with
/// <c>dotnet test BackorderDashboard.Tests -c Release --filter "FullyQualifiedName~MemoryPerPageBenchmark" --logger "console;verbosity=detailed"</c>.
/// </summary>
[Trait("Category", "Benchmark")]
public class MemoryPerPageBenchmark(ITestOutputHelper output)
{
    private const double MaxHeapPerPageMb = 2.0;

    /// <summary>
    /// What may stay on the heap once every page is closed: pools keep some of what many pages used (Kestrel's memory
    /// blocks, the shared array pool's render-tree buffers), not in step with the pages; a page's own memory kept would
    /// show 200 times over.
    /// </summary>
    private const double MaxLeftAfterClosingMb = 32.0;

    /// <summary>How many pages are open at each measurement; <c>MEMORY_BENCH_PAGES=10,20</c> for a quicker look.</summary>
    private static readonly int[] OpenCounts = Environment.GetEnvironmentVariable("MEMORY_BENCH_PAGES") is { Length: > 0 } counts
        ? counts.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray()
        : [50, 200];

    /// <summary>
    /// <c>MEMORY_BENCH_GCDUMP=FOLDER</c>: a heap dump of the app at each measurement with pages open and after closing them, taken by
    /// <c>dotnet-gcdump</c> (on the path or in ~/.dotnet/tools), to see what the pages hold (<c>dotnet-gcdump report FILE</c>).
    /// </summary>
    private static readonly string? DumpFolder = Environment.GetEnvironmentVariable("MEMORY_BENCH_GCDUMP") is { Length: > 0 } dumps ? dumps : null;

    /// <summary><c>MEMORY_BENCH_ONLY=queue</c> (or <c>kpi</c>) measures one page only.</summary>
    private static readonly string[]? Only = Environment.GetEnvironmentVariable("MEMORY_BENCH_ONLY") is { Length: > 0 } only ? only.Split(',') : null;

    private sealed record PageKind(string Name, string Path, string Ready);

    private static readonly PageKind[] Kinds =
    [
        // The queue's first page: 50 waiting lines with their places, dates and (for the merchant) actions.
        new("queue", "/backorders",
            "() => document.querySelectorAll('[data-testid=queue-table] [data-testid=queue-position]').length === 50"),
        // The key figures: every card drawn, either its chart or its "nothing to show".
        new("kpi", "/kpi",
            "() => { const cards = [...document.querySelectorAll('[data-testid^=kpi-card-]')]; " +
            "return cards.length === 8 && cards.every(c => c.querySelector('.apex-chart svg') || c.querySelector('[data-testid^=kpi-empty-]')); }"),
    ];

    private sealed record Row(string Page, string When, int OpenPages, long Circuits, double HeapMb, double? HeapPerPageMb, double WorkingSetMb,
        double? WorkingSetPerPageMb, TimeSpan? LetGo = null);

    [Fact]
    public async Task OpenPages_QueueAndKeyFigures_AtMostTwoMegabytesOfHeapEachAndGivenBackOnClosing()
    {
        var dbPath = Path.Combine(Path.GetTempPath(), $"memory-bench-{Guid.NewGuid():N}.db");
        var rows = new List<Row>();
        try
        {
            // A store with real data: full queue pages, a year of orders for the key figures.
            await LargeDatabase.CreateAsync(dbPath, new LargeDatabaseSize(Products: 5_000, OrderLines: 200_000, OpenBackorderLines: 20_000, PurchaseOrders: 500),
                new TestOutputWriter(output));
            await using var browser = await Chromium.LaunchAsync();
            foreach (var kind in Kinds.Where(k => Only is null || Only.Contains(k.Name)))
            {
                // An app of its own for each page, so each starts from the same working set.
                await using var app = await AppProcess.StartAsync(dbPath);
                await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
                {
                    BaseURL = app.BaseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, Locale = "en-US",
                });
                context.SetDefaultTimeout(60_000);
                // One sign-in for every page: they share the context's cookie, as tabs of one browser do.
                var signIn = await context.NewPageAsync();
                await BrowserFixture.LoginAsync(signIn, "merchant@example.com");
                await signIn.CloseAsync();

                // One page first, so what is paid once (compiled code, caches, the first KPI rollups) is in the baseline.
                var (baseline, _) = await CloseAllAsync([await OpenAsync(context, kind)], app);
                rows.Add(Figures(kind, "before", 0, baseline, baseline));
                var open = new List<IPage>();
                foreach (var count in OpenCounts)
                {
                    open.AddRange(await OpenManyAsync(context, kind, count - open.Count));
                    var figures = await app.MeasureAsync();
                    Assert.True(figures.ActiveCircuits >= count, $"{kind.Name}: {figures.ActiveCircuits} circuits for {count} open pages");
                    rows.Add(Figures(kind, "open", count, figures, baseline));
                    if (DumpFolder is not null)
                    {
                        await app.DumpAsync(Path.Combine(DumpFolder, $"{kind.Name}-{count}.gcdump"));
                    }
                }
                var (closed, letGo) = await CloseAllAsync(open, app);
                rows.Add(Figures(kind, "closed", 0, closed, baseline) with { LetGo = letGo });
                if (DumpFolder is not null)
                {
                    await app.DumpAsync(Path.Combine(DumpFolder, $"{kind.Name}-closed.gcdump"));
                }
            }
        }
        finally
        {
            if (rows.Count > 0)
            {
                Report(rows);
            }
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { dbPath, dbPath + "-wal", dbPath + "-shm" })
            {
                File.Delete(file);
            }
        }

        // Every shortfall at once: the figures of a long run are worth more than its first failure.
        Assert.NotEmpty(rows.Where(r => r.When == "closed"));
        var problems = rows.Where(r => r.When == "open" && r.HeapPerPageMb > MaxHeapPerPageMb)
            .Select(r => $"{r.Page}, {r.OpenPages} open pages: {r.HeapPerPageMb:N2} MB of managed heap per page (at most {MaxHeapPerPageMb} MB)")
            .Concat(rows.Where(r => r.When == "closed" && r.Circuits > 0).Select(r => $"{r.Page}: {r.Circuits} circuits kept after closing every page"))
            .Concat(rows.Where(r => r.When == "closed").Select(r => (r, Left: r.HeapMb - rows.First(b => b.Page == r.Page && b.When == "before").HeapMb))
                .Where(x => x.Left > MaxLeftAfterClosingMb)
                .Select(x => $"{x.r.Page}: {x.Left:N1} MB still on the heap after closing every page (at most {MaxLeftAfterClosingMb} MB)"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static Row Figures(PageKind kind, string when, int openPages, AppProcess.Memory figures, AppProcess.Memory baseline) => new(
        kind.Name, when, openPages, figures.ActiveCircuits, Mb(figures.LiveBytes),
        openPages == 0 ? null : Mb(figures.LiveBytes - baseline.LiveBytes) / openPages, Mb(figures.WorkingSetBytes),
        openPages == 0 ? null : Mb(figures.WorkingSetBytes - baseline.WorkingSetBytes) / openPages);

    private static double Mb(long bytes) => bytes / (1024.0 * 1024.0);

    private static async Task<IPage> OpenAsync(IBrowserContext context, PageKind kind)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(kind.Path, new PageGotoOptions { Timeout = 120_000 });
        await BrowserFixture.WaitForCircuitAsync(page);
        // The first key-figures page builds the rollups of a year of orders: minutes on a busy machine.
        await page.WaitForFunctionAsync(kind.Ready, null, new PageWaitForFunctionOptions { Timeout = 300_000, PollingInterval = 100 });
        return page;
    }

    /// <summary>Opens pages a few at a time, each live and showing its rows before the next batch.</summary>
    private static async Task<List<IPage>> OpenManyAsync(IBrowserContext context, PageKind kind, int count)
    {
        const int atOnce = 4;
        var pages = new List<IPage>(count);
        while (pages.Count < count)
        {
            pages.AddRange(await Task.WhenAll(Enumerable.Range(0, Math.Min(atOnce, count - pages.Count)).Select(_ => OpenAsync(context, kind))));
        }
        return pages;
    }

    /// <summary>
    /// Closes the pages as a user closes tabs and waits until the app has let their circuits go: at once for a tab
    /// whose disconnect beacon arrived, after the retention period (Hosting: circuit options) for one whose did not.
    /// </summary>
    private static async Task<(AppProcess.Memory Memory, TimeSpan LetGo)> CloseAllAsync(IReadOnlyList<IPage> pages, AppProcess app)
    {
        foreach (var page in pages)
        {
            await page.CloseAsync();
        }
        var waited = Stopwatch.StartNew();
        while ((await app.CircuitsAsync()).ActiveCircuits > 0 && waited.Elapsed < TimeSpan.FromMinutes(4))
        {
            await Task.Delay(250);
        }
        return (await app.MeasureAsync(), waited.Elapsed);
    }

    private void Report(IReadOnlyList<Row> rows)
    {
        static string N(double? value) => value is { } v ? v.ToString("N2", CultureInfo.InvariantCulture) : "";
        var text = new StringBuilder();
        text.AppendLine("| page | open pages | circuits | managed heap MB | per page MB | working set MB | per page MB |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var open = r.When switch { "before" => "0 (before)", "closed" => $"0 (all closed, circuits gone in {r.LetGo?.TotalSeconds:N0} s)", _ => r.OpenPages.ToString(CultureInfo.InvariantCulture) };
            text.AppendLine($"| {r.Page} | {open} | {r.Circuits} | {N(r.HeapMb)} | {N(r.HeapPerPageMb)} | {N(r.WorkingSetMb)} | {N(r.WorkingSetPerPageMb)} |");
        }
        text.AppendLine();
        text.AppendLine($"Managed heap: live bytes after full blocking compacting collections in the app's process; per page: the growth over " +
            $"\"before\" (one page of the kind opened and closed first) divided by the open pages. Target: at most {MaxHeapPerPageMb} MB per page.");
        var path = Path.Combine(AppContext.BaseDirectory, "memory-per-page.md");
        File.WriteAllText(path, text.ToString());
        output.WriteLine(text.ToString());
        output.WriteLine($"Written to {path}");
    }

    /// <summary>Debian's Chromium, headless; its renderers shared among a few processes, as 200 tabs of one site would be.</summary>
    private sealed class Chromium : IAsyncDisposable
    {
        private IPlaywright _playwright = null!;

        public IBrowser Browser { get; private set; } = null!;

        public static async Task<Chromium> LaunchAsync()
        {
            var chromium = new Chromium { _playwright = await Playwright.CreateAsync() };
            chromium.Browser = await chromium._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } p ? p : "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--renderer-process-limit=8"],
            });
            return chromium;
        }

        public async ValueTask DisposeAsync()
        {
            await Browser.CloseAsync();
            _playwright.Dispose();
        }
    }

    /// <summary>
    /// The app as its own server process (<c>dotnet BackorderDashboard.dll</c>, Development settings as the browser tests
    /// run it, on the given store, with the demo logins), with <see cref="StartupHook"/> loaded to measure it.
    /// </summary>
    private sealed class AppProcess : IAsyncDisposable
    {
        public sealed record Memory(long LiveBytes, long HeapBytes, long WorkingSetBytes, long ActiveCircuits, long ConnectedCircuits);

        private readonly Process _process;
        private readonly Channel<string> _answers = Channel.CreateUnbounded<string>();
        private readonly Queue<string> _log = new();
        private readonly SemaphoreSlim _asking = new(1, 1);
        private readonly string _keysFolder;

        private AppProcess(Process process, string baseUrl, string keysFolder)
        {
            _process = process;
            BaseUrl = baseUrl;
            _keysFolder = keysFolder;
        }

        public string BaseUrl { get; }

        public static async Task<AppProcess> StartAsync(string dbPath)
        {
            var port = FreePort();
            var keys = Path.Combine(Path.GetTempPath(), $"memory-bench-keys-{Guid.NewGuid():N}");
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = AppProjectFolder(),
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BackorderDashboard.dll"));
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://localhost:{port}");
            var environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["DOTNET_ENVIRONMENT"] = "Development",
                ["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location,
                ["ConnectionStrings__DefaultConnection"] = $"Data Source={dbPath}",
                ["Demo__SeedData"] = "false",
                ["Demo__SeedUsers"] = "true",
                ["DataProtection__KeysFolder"] = keys,
                ["Logging__LogLevel__Default"] = "Warning",
                ["RateLimits__SignInPerAddressPerMinute"] = "1000000",
            };
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
            var app = new AppProcess(Process.Start(start)!, $"http://localhost:{port}", keys);
            app._process.OutputDataReceived += (_, e) => app.Read(e.Data);
            app._process.ErrorDataReceived += (_, e) => app.Read(e.Data);
            app._process.BeginOutputReadLine();
            app._process.BeginErrorReadLine();
            await app.WaitUntilServingAsync();
            return app;
        }

        private void Read(string? line)
        {
            if (line is null)
            {
                return;
            }
            if (line.StartsWith(StartupHook.Prefix + " ", StringComparison.Ordinal))
            {
                _answers.Writer.TryWrite(line);
                return;
            }
            lock (_log)
            {
                _log.Enqueue(line);
                if (_log.Count > 200)
                {
                    _log.Dequeue();
                }
            }
        }

        private string Log()
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }

        private async Task WaitUntilServingAsync()
        {
            using var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromMinutes(3))
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The app stopped ({_process.ExitCode}):\n{Log()}");
                }
                try
                {
                    if ((await http.GetAsync("/Account/Login")).StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
                await Task.Delay(250);
            }
            throw new TimeoutException($"The app did not answer within 3 minutes:\n{Log()}");
        }

        /// <summary>Full blocking collections in the app, then its live heap, heap size and working set.</summary>
        public Task<Memory> MeasureAsync() => AskAsync("measure");

        /// <summary>Writes a heap dump of the app (dotnet-gcdump) to <paramref name="path"/>.</summary>
        public async Task DumpAsync(string path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var tool = new ProcessStartInfo("dotnet-gcdump") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "collect", "-p", _process.Id.ToString(CultureInfo.InvariantCulture), "-o", path })
            {
                tool.ArgumentList.Add(arg);
            }
            var tools = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools");
            tool.Environment["PATH"] = $"{Environment.GetEnvironmentVariable("PATH")}{Path.PathSeparator}{tools}";
            using var dump = Process.Start(tool)!;
            await dump.WaitForExitAsync();
        }

        /// <summary>The app's circuits now (no collection; the byte figures are 0).</summary>
        public Task<Memory> CircuitsAsync() => AskAsync("circuits");

        private async Task<Memory> AskAsync(string command)
        {
            await _asking.WaitAsync();
            try
            {
                await _process.StandardInput.WriteLineAsync(command);
                await _process.StandardInput.FlushAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                var parts = (await _answers.Reader.ReadAsync(timeout.Token)).Split(' ');
                var n = parts.Skip(1).Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
                return new Memory(n[0], n[1], n[2], n[3], n[4]);
            }
            finally
            {
                _asking.Release();
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        /// <summary>The app's project folder (its content root: appsettings.json), found from the solution above this assembly.</summary>
        private static string AppProjectFolder()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "BackorderDashboard.sln")))
                {
                    return Path.Combine(dir.FullName, "BackorderDashboard");
                }
            }
            throw new DirectoryNotFoundException("BackorderDashboard.sln not found above " + AppContext.BaseDirectory);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            if (Directory.Exists(_keysFolder))
            {
                Directory.Delete(_keysFolder, recursive: true);
            }
        }
    }

    /// <summary>Lines written to the test's output (the store builder's log).</summary>
    private sealed class TestOutputWriter(ITestOutputHelper output) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value) => output.WriteLine(value ?? "");
    }
}
