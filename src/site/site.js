// git chant site: the board's filters and the search page. No network, no inline code:
// the page's Content-Security-Policy allows this file only. Text from the ledger is put
// into the page with textContent, never as HTML.
"use strict";

function chantFilters() {
  const label = document.getElementById("filter-label");
  const kind = document.getElementById("filter-type");
  if (!label || !kind) return;
  const apply = () => {
    for (const column of document.querySelectorAll("section.column")) {
      let shown = 0;
      for (const card of column.querySelectorAll("article.card")) {
        const labels = JSON.parse(card.dataset.labels || "[]");
        const ok = (!label.value || labels.includes(label.value)) &&
          (!kind.value || card.dataset.type === kind.value);
        card.hidden = !ok;
        if (ok) shown++;
      }
      column.querySelector(".count").textContent = String(shown);
    }
  };
  const params = new URLSearchParams(location.search);
  if (params.has("label")) label.value = params.get("label");
  if (params.has("type")) kind.value = params.get("type");
  label.addEventListener("change", apply);
  kind.addEventListener("change", apply);
  apply();
}

function chantSearch() {
  const data = document.getElementById("search-index");
  const input = document.getElementById("q");
  if (!data || !input) return;
  const specs = JSON.parse(data.textContent);
  const results = document.getElementById("results");
  const summary = document.getElementById("summary");
  const run = () => {
    const words = input.value.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    results.replaceChildren();
    if (words.length === 0) { summary.textContent = ""; return; }
    const hits = specs.filter((s) => {
      const text = s.id.toLowerCase() + " " + s.title.toLowerCase() + " " + s.words;
      return words.every((w) => text.includes(w));
    });
    summary.textContent = hits.length + " found";
    for (const s of hits.slice(0, 200)) {
      const li = document.createElement("li");
      li.className = "hit";
      const a = document.createElement("a");
      a.href = "specs/" + slug(s.id) + ".html";
      a.textContent = s.title;
      const id = document.createElement("span");
      id.className = "id";
      id.textContent = " " + s.id + " · " + s.state;
      li.append(a, id);
      results.append(li);
    }
  };
  input.value = new URLSearchParams(location.search).get("q") || "";
  input.addEventListener("input", run);
  run();
}

// The file name of a spec's page; the same rule as site/html.rs `slug`.
function slug(name) {
  let out = "";
  const bytes = new TextEncoder().encode(name);
  bytes.forEach((b, at) => {
    const c = String.fromCharCode(b);
    if (/[a-z0-9-]/.test(c) || (c === "." && at > 0)) out += c;
    else out += "_" + b.toString(16).padStart(2, "0");
  });
  return out;
}

document.addEventListener("DOMContentLoaded", () => {
  chantFilters();
  chantSearch();
});
