/*
 * Draw every transparency chart (.ts-chart__plot[data-plot]) with Plotly.
 *
 * Load with <script src="charts.js" defer data-plotly="…/plotly-basic.min.js"
 * data-plotly-locale="…/plotly-locale-fr.js" data-locale="…" data-theme="…">. Each chart
 * comes prepared by the build (charts/recipe.py), as its images were drawn: this script
 * picks its variant (wide or narrow, by the images' media query) and colours (the dark
 * ones when the reader's scheme is dark, or when the page says so with a "ts-chart-theme"
 * event whose detail is { scheme: "dark" }), and handles the reader's interaction.
 * A chart the build drew as an image
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
  const NAMES = readJson(script, "data-locale");
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
  let pageScheme = null;  // "dark" or "light" when the page chose one (ts-chart-theme), else the system's

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

  // --- What the build gives: each chart's recipe, and the page's theme -------------------
  //
  // A chart's JSON (charts/recipe.py) holds its data, its wide layout and the paths that make
  // its narrow layout. The theme (data-theme, the same for every chart) holds the media query
  // of the narrow variant (the images' <picture> query), the light theme's paths and each
  // light colour's dark one. Nothing is measured or computed here: the images drew the same.

  const THEME = readJson(script, "data-theme");
  const NARROW = window.matchMedia && THEME.narrow ? window.matchMedia(THEME.narrow) : null;

  /** Return the JSON of an attribute, or {} when missing or unreadable. */
  function readJson(element, name) {
    try {
      const value = JSON.parse(element ? element.getAttribute(name) : "null");
      return value && typeof value === "object" ? value : {};
    } catch (error) {
      return {};
    }
  }

  /** Split a relayout path into keys: "annotations[1].xanchor" -> ["annotations", 1, "xanchor"]. */
  function pathKeys(path) {
    const keys = [];
    path.replace(/([^.[\]]+)|\[(\d+)\]/g, (match, name, index) => {
      keys.push(index === undefined ? name : Number(index));
      return match;
    });
    return keys;
  }

  /** Set relayout paths inside a layout (null deletes), as recipe.apply_paths does. */
  function applyPaths(layout, paths) {
    for (const path of Object.keys(paths || {})) {
      const keys = pathKeys(path);
      let node = layout;
      for (const key of keys.slice(0, -1)) {
        if (typeof key === "string" && (typeof node[key] !== "object" || node[key] === null)) node[key] = {};
        node = node[key];
      }
      const last = keys[keys.length - 1];
      if (paths[path] === null) delete node[last];
      else node[last] = paths[path];
    }
    return layout;
  }

  /** Replace every colour of `colours` in a layout by its value, as recipe.recolour does. */
  function recolour(value, colours) {
    if (Array.isArray(value)) return value.map((item) => recolour(item, colours));
    if (value && typeof value === "object") {
      const copy = {};
      for (const key of Object.keys(value)) copy[key] = recolour(value[key], colours);
      return copy;
    }
    return typeof value === "string" && Object.prototype.hasOwnProperty.call(colours, value) ? colours[value] : value;
  }

  /** Return the chart to draw now: its variant for this viewport, in the reader's colour scheme. */
  function prepare(recipe) {
    let layout = applyPaths(JSON.parse(JSON.stringify(recipe.layout || {})), THEME.layout);
    if (NARROW && NARROW.matches) applyPaths(layout, recipe.narrow);
    if (isDark() && THEME.dark) layout = recolour(layout, THEME.dark);
    if (COARSE && COARSE.matches) {
      // Let a finger scroll the page across the chart; a tap still shows the figure.
      layout.dragmode = false;
      applyPaths(layout, { "xaxis.fixedrange": true });
    }
    return { data: recipe.data || [], layout };
  }

  /** Tell whether charts are drawn dark: as the page says (ts-chart-theme), else as the reader's system. */
  function isDark() {
    return pageScheme ? pageScheme === "dark" : Boolean(DARK && DARK.matches);
  }

  /** Return a chart's recipe, as the build wrote it. */
  function recipeOf(div) {
    const source = document.getElementById(div.getAttribute("data-plot"));
    if (!source) throw new Error("no chart data #" + div.getAttribute("data-plot"));
    return JSON.parse(source.textContent);
  }

  /** Draw every drawn chart again, for a new variant or colour scheme. */
  function redrawAll() {
    for (const div of drawn) {
      const { data, layout } = prepare(recipeOf(div));
      const figure = div.closest(".ts-chart");
      window.Plotly.react(div, data, layout, config(figure && figure.id)).catch((error) => {
        console.error("ts-chart: cannot redraw a chart", error);
      });
    }
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
      const recipe = recipeOf(div);
      const Plotly = await loadPlotly();
      const { data, layout } = prepare(recipe);
      keepBox(div);
      div.textContent = "";
      await Plotly.newPlot(div, data, layout, config(figure.id));
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
    // A phone turned or a window narrowed across the breakpoint, the reader's scheme switched:
    // the charts drawn take their other variant or colours.
    for (const query of [NARROW, DARK]) {
      if (!query) continue;
      if (query.addEventListener) query.addEventListener("change", redrawAll);
      else if (query.addListener) query.addListener(redrawAll);
    }
    // A theme switch on the page (not the OS) can ask for the other colours too.
    document.addEventListener("ts-chart-theme", (event) => {
      const scheme = event.detail && event.detail.scheme;
      pageScheme = scheme === "dark" || scheme === "light" ? scheme : null;
      redrawAll();
    });
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
