// The search page (/recherche/): queries Pagefind's index (pagefind.js, self-hosted under /pagefind/)
// and writes the results with our own markup and French strings. Starts from ?q=; keeps ?q= in the
// address as the reader types, so a search can be shared. Nothing here builds HTML from a string:
// titles and metadata go in as text, and excerpts keep only their text and <mark> elements.
const script = document.querySelector("script[data-pagefind]"); // a module has no currentScript
const PAGE_SIZE = 10;
const FILTERS = [
  // [key in the index, French legend]; other filters the index may hold are shown after, by name.
  ["type", "Type"],
  ["categorie", "Catégorie"],
  ["etiquette", "Étiquette"],
  ["annee", "Année"],
  ["plateforme", "Plateforme"],
];

const form = document.querySelector("[data-search-form]");
const input = form.querySelector("input[name=q]");
const app = document.querySelector("[data-search-app]");
const status = app.querySelector("[data-search-status]");
const list = app.querySelector("[data-search-results]");
const more = app.querySelector("[data-search-more]");
const sortSelect = app.querySelector("[data-search-sort]");
const filterBox = app.querySelector("[data-search-filters]");

let pagefind = null;
let sequence = 0; // the latest query wins: an older answer arriving late is dropped
let results = [];
let shown = 0;

function plural(count, one, many) {
  return `${count.toLocaleString("fr-FR")} ${count === 1 ? one : many}`;
}

function chosenFilters() {
  const chosen = {};
  for (const box of filterBox.querySelectorAll("input[type=checkbox]:checked")) {
    (chosen[box.name] = chosen[box.name] || []).push(box.value);
  }
  const filters = {};
  for (const [name, values] of Object.entries(chosen)) filters[name] = { any: values };
  return filters;
}

function searchOptions() {
  const options = { filters: chosenFilters() };
  if (sortSelect.value) {
    const [key, direction] = sortSelect.value.split(":");
    options.sort = { [key]: direction };
  }
  return options;
}

// Excerpts are Pagefind's HTML: keep their text and <mark> elements only.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createDocumentFragment();
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      out.append(node.textContent);
    } else if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(node.textContent);
    }
  }
  return out;
}

// "2017-01-05T10:00:00+01:00" -> "5 janvier 2017" ("1er" for the first), as the site writes dates.
const MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(" ");
function frenchDate(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  const day = Number(match[3]);
  return `${day === 1 ? "1er" : day} ${MONTHS[Number(match[2]) - 1]} ${match[1]}`;
}

function safeUrl(url) {
  const resolved = new URL(url, location.href);
  return resolved.protocol === "http:" || resolved.protocol === "https:" ? resolved.href : "#";
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const title = document.createElement("h2");
  title.className = "search-result__title";
  const link = document.createElement("a");
  link.href = safeUrl(data.url);
  link.textContent = (data.meta && data.meta.title) || data.url;
  title.append(link);
  item.append(title);
  const facts = [];
  const meta = data.meta || {};
  if (meta.date) facts.push(frenchDate(meta.date));
  if (meta.categorie) facts.push(meta.categorie);
  if (meta.plateforme) facts.push(`Chiffres ${meta.plateforme}`);
  if (facts.length) {
    const line = document.createElement("p");
    line.className = "search-result__meta";
    line.textContent = facts.join(" · ");
    item.append(line);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-result__excerpt";
  excerpt.append(excerptNodes(data.excerpt || ""));
  item.append(excerpt);
  return item;
}

async function showMore(query) {
  const page = results.slice(shown, shown + PAGE_SIZE);
  const datas = await Promise.all(page.map((result) => result.data()));
  if (query !== sequence) return;
  for (const data of datas) list.append(resultItem(data));
  shown += page.length;
  more.hidden = shown >= results.length;
}

// One fieldset of checkboxes per filter, each value with its number of pages in the whole index.
function renderFilters(available) {
  const checked = chosenFilters();
  const names = Object.keys(available);
  const ordered = FILTERS.filter(([key]) => names.includes(key)).concat(
    names.filter((key) => !FILTERS.some(([known]) => known === key)).sort().map((key) => [key, key]),
  );
  filterBox.replaceChildren();
  for (const [key, legendText] of ordered) {
    const fieldset = document.createElement("fieldset");
    fieldset.className = "search-filter";
    const legend = document.createElement("legend");
    legend.textContent = legendText;
    fieldset.append(legend);
    const values = Object.keys(available[key]).sort((a, b) => a.localeCompare(b, "fr", { numeric: true }));
    if (key === "annee") values.reverse();
    for (const value of values) {
      const id = `filtre-${key}-${fieldset.childElementCount}`;
      const box = document.createElement("input");
      box.type = "checkbox";
      box.id = id;
      box.name = key;
      box.value = value;
      box.checked = Boolean(checked[key] && checked[key].any.includes(value));
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = `${value} (${available[key][value].toLocaleString("fr-FR")})`;
      const row = document.createElement("div");
      row.className = "search-filter__value";
      row.append(box, label);
      fieldset.append(row);
    }
    filterBox.append(fieldset);
  }
}

async function run() {
  const query = ++sequence;
  const term = input.value.trim();
  const options = searchOptions();
  const filtering = Object.keys(options.filters).length > 0;
  const url = new URL(location.href);
  if (term) url.searchParams.set("q", term);
  else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  if (!term && !filtering) {
    list.replaceChildren();
    more.hidden = true;
    results = [];
    status.textContent = "";
    return;
  }
  const search = await pagefind.search(term || null, options);
  if (query !== sequence) return;
  results = search.results;
  // The count first, then each result below it as soon as it and those above it have come:
  // what is already on screen never moves. aria-busy until the first page is complete.
  const about = term ? ` pour «\u00a0${term}\u00a0»` : "";
  list.setAttribute("aria-busy", "true");
  list.replaceChildren();
  more.hidden = true;
  status.textContent = results.length
    ? `${plural(results.length, "résultat", "résultats")}${about}.`
    : `Aucun résultat${about}. Essayez un autre mot, ou retirez un filtre.`;
  const page = results.slice(0, PAGE_SIZE);
  const pending = page.map((result) => result.data());
  for (const data of pending) {
    const item = resultItem(await data);
    if (query !== sequence) return;
    list.append(item);
  }
  shown = page.length;
  more.hidden = shown >= results.length;
  list.removeAttribute("aria-busy");
}

async function start() {
  const bundle = script.dataset.pagefind;
  try {
    pagefind = await import(bundle);
    await pagefind.options({ baseUrl: script.dataset.baseUrl || "/", excerptLength: 24 });
    await pagefind.init();
    renderFilters(await pagefind.filters());
  } catch (error) {
    app.hidden = false;
    status.textContent = "La recherche n'a pas pu démarrer. Parcourez les archives, les catégories ou les étiquettes.";
    throw error;
  }
  app.hidden = false;
  input.value = new URLSearchParams(location.search).get("q") || "";
  input.addEventListener("input", run);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  sortSelect.addEventListener("change", run);
  filterBox.addEventListener("change", run);
  more.addEventListener("click", () => {
    const first = list.childElementCount;
    showMore(sequence).then(() => {
      const next = list.children[first];
      if (next) next.querySelector("a").focus();
    });
  });
  if (input.value) await run();
}

start();
