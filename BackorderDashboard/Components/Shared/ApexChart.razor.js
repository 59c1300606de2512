// One ApexCharts instance per element. The library is a UMD bundle, loaded once on first use.
const charts = new WeakMap();
// The .NET side to tell of clicks on a data point, per element (only for charts that ask for it).
const listeners = new WeakMap();
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

// ApexCharts writes tooltip titles, series names and legend entries as HTML (innerHTML), while axis and data labels
// are SVG text. Names come from the store's data (a supplier, a product), so every piece of text that reaches HTML is
// escaped here: it shows as written and never runs as markup.
const htmlEntities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value) {
    return String(value ?? '').replace(/[&<>"']/g, c => htmlEntities[c]);
}

function withEscapedText(options) {
    const tooltip = options.tooltip ?? {};
    tooltip.x = { ...(tooltip.x ?? {}), formatter: value => escapeHtml(value) };
    if (!Array.isArray(tooltip.y)) {
        tooltip.y = { ...(tooltip.y ?? {}), title: { formatter: name => (name ? `${escapeHtml(name)}: ` : '') } };
    }
    options.tooltip = tooltip;
    if (!Array.isArray(options.xaxis)) {
        options.xaxis = { ...(options.xaxis ?? {}), tooltip: { ...(options.xaxis?.tooltip ?? {}), formatter: value => escapeHtml(value) } };
    }
    options.legend = { ...(options.legend ?? {}), formatter: name => escapeHtml(name) };
    return options;
}

function withTheme(json, height, dark, element) {
    const options = withEscapedText(JSON.parse(json));
    const listener = element && listeners.get(element);
    if (listener) {
        // A click on a bar, a marker or near a point says which series and which point; the page decides where it leads.
        // Several of these events fire for one click; the first one counts.
        let last = 0;
        const tell = (series, point) => {
            const now = Date.now();
            if (point >= 0 && now - last > 400) {
                last = now;
                listener.invokeMethodAsync('OnPointClicked', series ?? 0, point);
            }
        };
        options.chart = { ...(options.chart ?? {}), events: { ...(options.chart?.events ?? {}),
            dataPointSelection: (event, context, config) => tell(config?.seriesIndex, config?.dataPointIndex ?? -1),
            markerClick: (event, context, config) => tell(config?.seriesIndex, config?.dataPointIndex ?? -1),
            click: (event, context, config) => tell(config?.seriesIndex, config?.dataPointIndex ?? -1) } };
    }
    // Text and grid colours are set outright: a theme switch through updateOptions alone leaves dark text on dark.
    options.chart = { ...(options.chart ?? {}), height, background: 'transparent', foreColor: dark ? '#c9d1d9' : '#373d3f' };
    options.theme = { ...(options.theme ?? {}), mode: dark ? 'dark' : 'light' };
    options.grid = { ...(options.grid ?? {}), borderColor: dark ? '#30363d' : '#e0e0e0' };
    options.tooltip = { ...(options.tooltip ?? {}), theme: dark ? 'dark' : 'light' };
    return options;
}

export async function create(element, src, json, height, dark, listener) {
    if (!element) {
        // The page moved on before the chart was drawn.
        return;
    }
    if (listener) {
        listeners.set(element, listener);
    }
    const ready = loadLibrary(src).then(async () => {
        if (!element.isConnected) {
            return null;
        }
        const chart = new window.ApexCharts(element, withTheme(json, height, dark, element));
        await chart.render();
        return chart;
    });
    charts.set(element, ready);
    await ready;
}

export async function update(element, json, height, dark) {
    const chart = element && await charts.get(element);
    if (chart) {
        // Redraw in place: no flicker, and no new instance left behind.
        await chart.updateOptions(withTheme(json, height, dark, element), true, true);
    }
}

export async function destroy(element) {
    if (!element) {
        return;
    }
    const pending = charts.get(element);
    charts.delete(element);
    const chart = await pending;
    chart?.destroy();
}
