/*
 * Draw every transparency chart (.ts-chart__plot[data-plot]) with Plotly.
 *
 * Load with <script src="charts.js" defer data-plotly="…/plotly-basic.min.js"
 * data-plotly-locale="…/plotly-locale-fr.js">. A chart the build drew as an image
 * (.ts-chart__plot--image) shows it until the reader asks for more: pointer over it,
 * a tap, or focus on (or a press of) its "Explorer les données" button; then plotly.js
 * is fetched and draws the chart in the image's exact box. A chart without an image is
 * drawn when it comes near the viewport. Plotly is fetched once for the whole page.
 * One chart's failure never stops the others.
 * No inline script, no eval: works under CSP script-src 'self'.
 *
 * Plotly injects its own CSS in a <style> element, which CSP style-src 'self' blocks.
 * Give data-plotly-css="…/plotly.css" (plotly's rules as a file) and this script adds
 * <link id="plotly.js-style-global" class="no-inline-styles">, which plotly.js then
 * uses instead of injecting its own (checked with plotly.js 4.1.1).
 */
(() => {
  "use strict";

  const script = document.currentScript;
  const PLOTLY_URL = script ? script.getAttribute("data-plotly") : null;
  const LOCALE_URL = script ? script.getAttribute("data-plotly-locale") : null;
  const CSS_URL = script ? script.getAttribute("data-plotly-css") : null;
  const PLOTLY_STYLE_ID = "plotly.js-style-global";

  // CLDR's French day and month names, given by the build (data-locale, from Babel) so that
  // date axes write months as the tables do ("janv."); they take precedence over plotly's own
  // fr locale ("Jan", "Fév"…). Hovers show the build's own text ("1er févr. 2017").
  // The formats below are plotly's d3 patterns.
  const NAMES = readNames(script);
  const FRENCH_FORMAT = Object.assign({
    date: "%d/%m/%Y",
    year: "%Y",
    month: "%b %Y",
    dayMonth: "%-d %b",
    dayMonthYear: "%-d %b %Y",
  }, NAMES);
  const DARK = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  const COARSE = window.matchMedia ? window.matchMedia("(pointer: coarse)") : null;
  const drawn = new Set();
  let plotlyLoading = null;

  /** Return the day and month names of data-locale, or {} when missing or unreadable. */
  function readNames(element) {
    try {
      const names = JSON.parse(element ? element.getAttribute("data-locale") : "null");
      return names && typeof names === "object" ? names : {};
    } catch (error) {
      return {};
    }
  }

  /** Load a script once, resolving when it has run. */
  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const element = document.createElement("script");
      element.src = url;
      element.async = false;
      element.onload = () => resolve();
      element.onerror = () => reject(new Error("cannot load " + url));
      document.head.appendChild(element);
    });
  }

  /** Link plotly's stylesheet so that plotly.js injects no <style> (resolves even if it fails). */
  function loadPlotlyCss() {
    if (!CSS_URL || document.getElementById(PLOTLY_STYLE_ID)) return Promise.resolve();
    return new Promise((resolve) => {
      const link = document.createElement("link");
      link.id = PLOTLY_STYLE_ID;
      link.className = "no-inline-styles";
      link.rel = "stylesheet";
      link.href = CSS_URL;
      link.onload = () => resolve();
      link.onerror = () => resolve();
      document.head.appendChild(link);
    });
  }

  /** Load plotly's stylesheet and plotly.js, then its French locale, once for the whole page. */
  function loadPlotly() {
    if (!plotlyLoading) {
      const plotly = window.Plotly ? Promise.resolve() : PLOTLY_URL
        ? loadScript(PLOTLY_URL) : Promise.reject(new Error("charts.js: no data-plotly URL"));
      plotlyLoading = Promise.all([loadPlotlyCss(), plotly])
        .then(() => (LOCALE_URL ? loadScript(LOCALE_URL).catch(() => undefined) : undefined))
        .then(() => {
          if (!window.Plotly) throw new Error("plotly.js did not define Plotly");
          return window.Plotly;
        });
    }
    return plotlyLoading;
  }

  /** Read the theme's chart colours from CSS custom properties. */
  function themeColours() {
    const style = getComputedStyle(document.documentElement);
    return {
      fg: style.getPropertyValue("--ts-chart-fg").trim(),
      grid: style.getPropertyValue("--ts-chart-grid").trim(),
      labelBg: style.getPropertyValue("--ts-chart-label-bg").trim(),
    };
  }

  /** Return the colour attributes to set, as Plotly.relayout paths (empty ones skipped). */
  function themeUpdate(colours) {
    const update = {};
    if (colours.fg) {
      update["font.color"] = colours.fg;
      update["modebar.activecolor"] = colours.fg;
    }
    if (colours.grid) {
      update["modebar.color"] = colours.grid;
      for (const axis of ["xaxis", "yaxis"]) {
        update[axis + ".gridcolor"] = colours.grid;
        update[axis + ".linecolor"] = colours.grid;
        update[axis + ".zerolinecolor"] = colours.grid;
      }
    }
    update["modebar.bgcolor"] = "rgba(0,0,0,0)";
    if (colours.fg && colours.labelBg) {
      // Hover boxes in the page's colours, not the trace's: text contrast whatever the trace colour.
      update["hoverlabel.bgcolor"] = colours.labelBg;
      update["hoverlabel.bordercolor"] = colours.fg;
      update["hoverlabel.font.color"] = colours.fg;
    }
    return update;
  }

  /** Return the colour attributes of the figure's annotations (value labels), as relayout paths. */
  function labelUpdate(annotations, colours) {
    const update = {};
    (annotations || []).forEach((annotation, i) => {
      if (colours.labelBg) update["annotations[" + i + "].bgcolor"] = colours.labelBg;
      if (colours.fg) update["annotations[" + i + "].font.color"] = colours.fg;
    });
    return update;
  }

  /** Set a dotted path ("xaxis.gridcolor") inside a layout object. */
  function setPath(target, path, value) {
    const keys = path.split(".");
    let node = target;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
      node = node[key];
    }
    node[keys[keys.length - 1]] = value;
  }

  /** Set a relayout path inside a layout, "annotations[2].bgcolor" included. */
  function setLayoutPath(layout, path, value) {
    const item = /^(\w+)\[(\d+)\]\.(.+)$/.exec(path);
    if (!item) return setPath(layout, path, value);
    const list = layout[item[1]];
    if (Array.isArray(list) && list[Number(item[2])]) setPath(list[Number(item[2])], item[3], value);
  }

  /** Make a label literal for Plotly, which reads <b>, <a> and &amp; in its text. */
  function literal(text) {
    return typeof text === "string"
      ? text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;") : text;
  }

  /** Break a long axis label into lines of about `width` characters (Plotly's <br>). */
  function wrap(text, width) {
    if (typeof text !== "string") return text;
    const lines = [];
    let line = "";
    for (const word of text.split(" ")) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    }
    lines.push(line);
    return lines.join("<br>");
  }

  /** Return the indices of the bar traces, whose inside text follows the theme. */
  function barIndices(data) {
    const indices = [];
    (data || []).forEach((trace, i) => {
      if (trace.type === "bar") indices.push(i);
    });
    return indices;
  }

  /** Prepare the figure's layout and labels for this page and device. */
  function prepare(figure, div) {
    const layout = figure.layout || {};
    const colours = themeColours();
    const update = Object.assign(themeUpdate(colours), labelUpdate(layout.annotations, colours));
    for (const path of Object.keys(update)) setLayoutPath(layout, path, update[path]);
    setPath(layout, "font.family", getComputedStyle(div).fontFamily);
    fitAxes(layout, figure.data || [], isNarrow(div));
    if (COARSE && COARSE.matches) {
      // Let a finger scroll the page across the chart; a tap still shows the figure.
      layout.dragmode = false;
      setPath(layout, "xaxis.fixedrange", true);
    }
    const data = (figure.data || []).map((trace) => {
      const copy = Object.assign({}, trace, { name: literal(trace.name) });
      if (trace.orientation === "h" && Array.isArray(trace.y)) {
        // Category labels take the plot's width on a phone: break them into short lines.
        const width = div.clientWidth < 480 ? 12 : 24;
        copy.y = trace.y.map((label) => wrap(literal(label), width));
      }
      if (trace.type === "bar" && colours.fg) {
        // Plotly's own contrast colour vanishes on hatched (bounded) bars.
        copy.insidetextfont = Object.assign({}, trace.insidetextfont, { color: colours.fg });
      }
      return copy;
    });
    return { data, layout };
  }

  // --- Legible at any width: ticks, tick labels and value labels -------------------------

  const NARROW_PX = 480;  // below: a phone; fewer ticks, labels broken in lines
  const LABEL_GAP_PX = 4;  // between a bar's end and its value label (as figure.py)
  const DAY_MS = 86400000;

  /** Tell whether a chart is drawn narrow (a phone). */
  function isNarrow(div) {
    return div.clientWidth < NARROW_PX;
  }

  /** Return a period's name with short month names, a word a line: "septembre 2016" -> "sept.<br>2016". */
  function shortLines(text) {
    if (typeof text !== "string") return text;
    const months = NAMES.months || [];
    const short = NAMES.shortMonths || [];
    return text.split(" ").map((word) => {
      const month = months.indexOf(word);
      return month >= 0 && short[month] ? short[month] : word;
    }).join("<br>");
  }

  /** Return "200 k", "1,5 M", "12 000": a tick value shortened for a phone (the table keeps the figures). */
  function abbreviate(value) {
    const french = (n) => String(Math.round(n * 10) / 10).replace(".", ",");
    if (value >= 1e9) return french(value / 1e9) + "\u202fMd";
    if (value >= 1e6) return french(value / 1e6) + "\u202fM";
    if (value >= 1e4) return french(value / 1e3) + "\u202fk";
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  }

  /** Return 3 to 5 round ticks from 0 to max, abbreviated, as axis attributes. */
  function abbreviatedTicks(max) {
    const rough = max / 4;
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough);
    const tickvals = [];
    for (let value = 0; value <= max * 1.1; value += step) tickvals.push(value);
    return { tickmode: "array", tickvals, ticktext: tickvals.map(abbreviate) };
  }

  /** Return the categories of a category x axis, in their order on the axis. */
  function categoriesOf(axis, data) {
    if (Array.isArray(axis.categoryarray)) return axis.categoryarray;
    const seen = [];
    for (const trace of data) {
      for (const x of trace.x || []) if (!seen.includes(x)) seen.push(x);
    }
    return seen;
  }

  /**
   * Set the axes for the chart's width: level tick labels that never overlap. On a phone,
   * at most 4 ticks on value and date axes, months on two lines ("sept." over "2016"), and
   * period names broken in short lines; the exact figures stay in the table.
   */
  function fitAxes(layout, data, narrow) {
    for (const name of ["xaxis", "yaxis"]) {
      const axis = layout[name];
      if (!axis) continue;
      if (axis.separatethousands) {
        // The value axis (figure.py's value_axis): fewer ticks on a phone, large ones abbreviated.
        if (axis.type !== "log") {
          axis.nticks = narrow ? 4 : 8;
          const max = Math.max(0, ...data.flatMap((t) => (name === "xaxis" ? t.x : t.y) || []).filter(Number.isFinite));
          if (narrow && max >= 100000) Object.assign(axis, abbreviatedTicks(max));
        }
      } else if (axis.type === "date") {
        axis.tickangle = 0;
        axis.nticks = narrow ? 4 : 8;
        axis.tickformatstops = [
          { dtickrange: [null, 27 * DAY_MS], value: "%-d %b" },
          { dtickrange: [27 * DAY_MS, "M12"], value: narrow ? "%b<br>%Y" : "%b %Y" },
          { dtickrange: ["M12", null], value: "%Y" },
        ];
      } else if (axis.type === "category") {
        axis.tickangle = 0;
        if (narrow) {
          const categories = categoriesOf(axis, data);
          axis.tickmode = "array";
          axis.tickvals = categories;
          axis.ticktext = categories.map((c) => shortLines(literal(c)));
        }
      }
    }
  }

  /** Return the box of an element relative to the chart's own box. */
  function boxIn(element, origin) {
    const r = element.getBoundingClientRect();
    return { left: r.left - origin.left, right: r.right - origin.left, width: r.width };
  }

  /**
   * Put each latest bar's value label where it reads best at the drawn width: past the bar's
   * end when it fits before the chart's edge, else inside the bar against its end, else from
   * the bar's base; always on its solid background (never on the hatching of a bound).
   */
  function placeLatestLabels(div, broken) {
    const layout = div.layout || {};
    const annotations = layout.annotations || [];
    const trace = (div.data || [])[0];
    if (!annotations.length || !trace || trace.orientation !== "h" || !window.Plotly) return Promise.resolve();
    const svg = div.querySelector("svg.main-svg");
    const bars = div.querySelectorAll(".barlayer .trace .point path");
    const texts = div.querySelectorAll(".annotation");
    if (!svg || bars.length !== (trace.x || []).length || texts.length !== annotations.length) {
      return Promise.resolve();
    }
    const origin = svg.getBoundingClientRect();
    const log = layout.xaxis && layout.xaxis.type === "log";
    const update = {};
    // A label too long to fit even from its bar's base: on two lines, value over date.
    const tooLong = annotations.map((annotation, i) =>
      boxIn(texts[i], origin).width > origin.width - 2 * LABEL_GAP_PX - boxIn(bars[annotation.y], origin).left);
    if (!broken && tooLong.some(Boolean)) {
      annotations.forEach((annotation, i) => {
        if (tooLong[i]) update["annotations[" + i + "].text"] = String(annotation.text).replace(" (", "<br>(");
      });
      return window.Plotly.relayout(div, update).then(() => placeLatestLabels(div, true));
    }
    annotations.forEach((annotation, i) => {
      const bar = boxIn(bars[annotation.y], origin);
      const label = boxIn(texts[i], origin);
      const roomOutside = origin.width - LABEL_GAP_PX - bar.right;
      let x = annotation.x;
      let anchor = "left";
      let shift = LABEL_GAP_PX;
      if (label.width > roomOutside) {
        if (label.width + 2 * LABEL_GAP_PX <= bar.width) {
          anchor = "right";
          shift = -LABEL_GAP_PX;
        } else {
          x = log ? layout.xaxis.range[0] : 0;  // from the base, over the bar, on its background
        }
      }
      update["annotations[" + i + "].x"] = x;
      update["annotations[" + i + "].xanchor"] = anchor;
      update["annotations[" + i + "].xshift"] = shift;
    });
    return window.Plotly.relayout(div, update);
  }

  /** Redraw a chart for its new width: tick settings when it crosses NARROW_PX, labels always. */
  function watchWidth(div) {
    if (!("ResizeObserver" in window)) return;
    let narrow = isNarrow(div);
    let width = div.clientWidth;
    let pending = null;
    const observer = new ResizeObserver(() => {
      if (div.clientWidth === width || !drawn.has(div)) return;
      width = div.clientWidth;
      clearTimeout(pending);
      pending = setTimeout(() => {
        let redraw = Promise.resolve();
        if (isNarrow(div) !== narrow) {
          // From the figure as the build wrote it: prepare() changes the figure it is given.
          const source = document.getElementById(div.getAttribute("data-plot"));
          const { data, layout } = prepare(JSON.parse(source.textContent), div);
          const figure = div.closest(".ts-chart");
          redraw = window.Plotly.react(div, data, layout, config(figure && figure.id));
        }
        narrow = isNarrow(div);
        redraw.then(() => placeLatestLabels(div)).catch((error) => {
          console.error("ts-chart: cannot redraw a chart for its width", error);
        });
      }, 150);
    });
    observer.observe(div);
  }

  /** Return the Plotly config of one chart. */
  function config(chartId) {
    return {
      locale: "fr",
      locales: { fr: { format: FRENCH_FORMAT } },
      displaylogo: false,
      responsive: true,
      // plotly.js 4 shows "Share chart..." by default, posting the data to cloud.plotly.com.
      showSendToCloud: false,
      plotlyServerURL: "",
      modeBarButtonsToRemove: ["select2d", "lasso2d", "sendChartToCloud"],
      toImageButtonOptions: { filename: chartId || "graphique" },
    };
  }

  /** Draw one chart; on failure mark it failed and keep its fallback text. */
  async function draw(div) {
    const figure = div.closest(".ts-chart") || div;
    const fallback = Array.from(div.childNodes);
    try {
      const source = document.getElementById(div.getAttribute("data-plot"));
      if (!source) throw new Error("no figure data #" + div.getAttribute("data-plot"));
      const parsed = JSON.parse(source.textContent);
      const Plotly = await loadPlotly();
      const { data, layout } = prepare(parsed, div);
      keepBox(div);
      div.textContent = "";
      await Plotly.newPlot(div, data, layout, config(figure.id));
      await placeLatestLabels(div);
      watchWidth(div);
      drawn.add(div);
      figure.classList.add("ts-chart--drawn");
    } catch (error) {
      drawn.delete(div);
      try {
        if (window.Plotly) window.Plotly.purge(div);
      } catch (ignored) {
        // the chart was never drawn
      }
      div.textContent = "";
      for (const node of fallback) div.appendChild(node);
      figure.classList.add("ts-chart--failed");
      console.error("ts-chart: cannot draw #" + (figure.id || "?"), error);
    }
  }

  /** Recolour every drawn chart for the current theme. */
  function retheme() {
    const colours = themeColours();
    const update = themeUpdate(colours);
    for (const div of drawn) {
      const bars = barIndices(div.data);
      const restyle = bars.length && colours.fg
        ? window.Plotly.restyle(div, { "insidetextfont.color": colours.fg }, bars) : Promise.resolve();
      const labels = labelUpdate(div.layout && div.layout.annotations, colours);
      Promise.all([restyle, window.Plotly.relayout(div, Object.assign({}, update, labels))]).catch((error) => {
        console.error("ts-chart: cannot recolour a chart", error);
      });
    }
  }

  /** Give a plot showing its image the image's height, so that plotly.js draws in the same box (no layout shift). */
  function keepBox(div) {
    const image = div.querySelector(".ts-chart__image");
    if (image) div.style.height = image.getBoundingClientRect().height + "px";
  }

  /** Show a chart's "Explorer les données" button; draw the chart when the reader points at it, taps it or asks. */
  function drawOnDemand(plot) {
    const figure = plot.closest(".ts-chart") || plot;
    const button = figure.querySelector(".ts-chart__explore");
    let drawing = null;
    const drawn = () => figure.classList.contains("ts-chart--drawn");
    const ask = () => {
      if (!drawing) {
        drawing = draw(plot).then(() => {
          if (!button || !drawn()) return;
          // The chart replaces the button; one that has the focus goes when the reader leaves it.
          if (document.activeElement === button) button.addEventListener("blur", () => { button.hidden = true; }, { once: true });
          else button.hidden = true;
        });
      }
      return drawing;
    };
    plot.addEventListener("pointerenter", ask);
    plot.addEventListener("pointerdown", ask);
    if (button) {
      button.hidden = false;
      button.addEventListener("focus", ask);
      button.addEventListener("click", () => ask().then(() => {
        if (!drawn()) return;
        plot.tabIndex = -1; // the reader pressed the button: take them to the chart
        plot.focus();
      }));
    }
  }

  /** Draw charts without an image as they come within 300 px of the viewport; the others on demand. */
  function start() {
    const all = document.querySelectorAll(".ts-chart__plot[data-plot]");
    const plots = [];
    all.forEach((plot) => {
      if (plot.classList.contains("ts-chart__plot--image")) drawOnDemand(plot);
      else plots.push(plot);
    });
    if (!all.length) return;
    if (DARK) {
      if (DARK.addEventListener) DARK.addEventListener("change", retheme);
      else if (DARK.addListener) DARK.addListener(retheme);
    }
    // A theme switch on the page (not the OS) can ask for new colours too.
    document.addEventListener("ts-chart-theme", retheme);
    if (!("IntersectionObserver" in window)) {
      plots.forEach(draw);
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(entry.target);
        }
      }
    }, { rootMargin: "300px 0px" });
    plots.forEach((plot) => observer.observe(plot));
  }

  /**
   * Run `then` once the page's text has been painted, so plotly.js (1.2 MB) never
   * competes with the first paint: after the first-contentful-paint entry where the
   * browser reports it, else after the next two animation frames.
   */
  function afterFirstPaint(then) {
    let done = false;
    const once = () => {
      if (!done) {
        done = true;
        then();
      }
    };
    const painted = () => performance.getEntriesByName("first-contentful-paint").length > 0;
    if (window.PerformanceObserver && (PerformanceObserver.supportedEntryTypes || []).includes("paint")) {
      if (painted()) return once();
      const observer = new PerformanceObserver(() => {
        if (painted()) {
          observer.disconnect();
          once();
        }
      });
      observer.observe({ type: "paint", buffered: true });
      // A page with nothing to paint yet must still get its charts.
      setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(once)), 3000);
      return;
    }
    requestAnimationFrame(() => requestAnimationFrame(once));
  }

  const begin = () => afterFirstPaint(start);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
  else begin();
})();
