// One ApexCharts instance per element. The library is a UMD bundle, loaded once on first use.
const charts = new WeakMap();
let library;

function loadLibrary(src) {
    if (window.ApexCharts) {
        return Promise.resolve();
    }
    library ??= new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = src;
        script.onload = resolve;
        script.onerror = () => {
            library = undefined;
            reject(new Error(`Could not load ${src}`));
        };
        document.head.appendChild(script);
    });
    return library;
}

function withTheme(json, height, dark) {
    const options = JSON.parse(json);
    // Text and grid colours are set outright: a theme switch through updateOptions alone leaves dark text on dark.
    options.chart = { ...(options.chart ?? {}), height, background: 'transparent', foreColor: dark ? '#c9d1d9' : '#373d3f' };
    options.theme = { ...(options.theme ?? {}), mode: dark ? 'dark' : 'light' };
    options.grid = { ...(options.grid ?? {}), borderColor: dark ? '#30363d' : '#e0e0e0' };
    options.tooltip = { ...(options.tooltip ?? {}), theme: dark ? 'dark' : 'light' };
    return options;
}

export async function create(element, src, json, height, dark) {
    const ready = loadLibrary(src).then(async () => {
        const chart = new window.ApexCharts(element, withTheme(json, height, dark));
        await chart.render();
        return chart;
    });
    charts.set(element, ready);
    await ready;
}

export async function update(element, json, height, dark) {
    const chart = await charts.get(element);
    if (chart) {
        // Redraw in place: no flicker, and no new instance left behind.
        await chart.updateOptions(withTheme(json, height, dark), true, true);
    }
}

export async function destroy(element) {
    const pending = charts.get(element);
    charts.delete(element);
    const chart = await pending;
    chart?.destroy();
}
