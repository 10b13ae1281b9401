// Search web UI: plain JavaScript, no build step, no CDN. Hash routes: #/search?…, #/doc/ID, #/overlaps.
"use strict";

const FACETS = [["topic", "Topic"], ["sg", "Study group"], ["question", "Question"], ["kind", "Kind"], ["period", "Study period"], ["year", "Year"], ["format", "Format"], ["series", "Series"], ["mentions", "Mentioned groups"]];
const KIND = { contribution: "Contribution", td: "TD", ls: "Liaison statement", report: "Report", other: "Other" };
const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
};

// ---- API key: asked once, kept for the tab (sessionStorage), sent with every request; write buttons only with one ----
const KEY_STORE = "search.apiKey";
const apiKey = () => sessionStorage.getItem(KEY_STORE) || "";
const withKey = (options = {}, key = apiKey()) => key ? { ...options, headers: { ...(options.headers || {}), "X-Api-Key": key } } : options;
function drawKeyButton() { $("#key-button").textContent = apiKey() ? "Forget API key" : "Enter API key"; }
function askKey() {
  $("#key-error").hidden = true;
  $("#key-input").value = "";
  $("#key-dialog").showModal();
}
async function saveKey(e) {
  e.preventDefault();
  const key = $("#key-input").value.trim();
  const response = await fetch("/api/access", withKey({}, key)).catch(() => null);
  if (!response || !response.ok) {
    let text = response ? `${response.status} ${response.statusText}` : "The service cannot be reached.";
    try { const p = await response.json(); text = [p.title, p.detail].filter(Boolean).join(": ") || text; } catch { /* not JSON */ }
    $("#key-error").textContent = text; $("#key-error").hidden = false;
    return;
  }
  sessionStorage.setItem(KEY_STORE, key);
  $("#key-dialog").close();
  drawKeyButton();
  route(true);
}
$("#key-form").addEventListener("submit", saveKey);
$("#key-cancel").addEventListener("click", () => $("#key-dialog").close());
$("#key-button").addEventListener("click", () => {
  if (apiKey()) { sessionStorage.removeItem(KEY_STORE); drawKeyButton(); route(true); } else askKey();
});

// API errors are shown to the user, never swallowed.
function showError(message) { const box = $("#error"); box.textContent = message; box.hidden = !message; }
async function api(path, options) {
  let response;
  try { response = await fetch(path, withKey(options)); } catch (e) { throw new Error(`The service cannot be reached (${e.message}).`); }
  if (response.status === 401 && !$("#key-dialog").open) askKey(); // reads need the key on this service
  if (!response.ok) {
    let text = `${response.status} ${response.statusText}`;
    try { const p = await response.json(); text = [p.title, p.detail].filter(Boolean).join(": ") || text; } catch { /* not JSON */ }
    throw new Error(text);
  }
  return response.json();
}
// Snippets come HTML-escaped from the server with <mark> around matches: keep only those tags.
function safeSnippet(html) { return (html || "").replace(/<(?!\/?mark>)/g, "&lt;"); }
function docHref(id) { return `#/doc/${encodeURIComponent(id)}`; }
function badge(topic) { return el("span", { class: `badge ${topic}`, text: topic }); }

// ---- routing: the URL is the state. Searches push history entries (Back and Forward move through them);
// a URL changed by hand, a link or history is drawn again, search box included. ----
let renderedHash = null;
function route(force = false) {
  if (!force && location.hash === renderedHash) return; // popstate and hashchange both fire for one move
  renderedHash = location.hash;
  showError("");
  const hash = location.hash || "#/search";
  const [path, query] = hash.slice(1).split("?");
  document.querySelectorAll("[data-nav]").forEach(a => a.classList.toggle("active", path.startsWith("/" + a.dataset.nav) || (path.startsWith("/doc") && a.dataset.nav === "search")));
  if (path.startsWith("/doc/")) return renderDocument(decodeURIComponent(path.slice(5)));
  if (path.startsWith("/overlaps")) return renderOverlaps(new URLSearchParams(query || ""));
  return renderSearch(new URLSearchParams(query || ""));
}
window.addEventListener("hashchange", () => route());
window.addEventListener("popstate", () => route());
// In-page links (skip links) move the focus; they must not change the route.
document.addEventListener("click", e => {
  const link = e.target.closest && e.target.closest("a[data-focus]");
  if (!link) return;
  e.preventDefault();
  const target = document.getElementById(link.dataset.focus);
  if (target) { target.focus(); target.scrollIntoView({ block: "start" }); }
});

async function refreshStatus() {
  try {
    const h = await api("/healthz");
    const s = h.semantic, t = h.topics;
    const topics = t && t.enabled && !t.ready ? ` · topics: ${t.state === "refining" ? `refining with embeddings ${t.refined}/${t.documents}` : t.state}` : "";
    $("#status").textContent = `${h.documents} documents · semantic: ${!s.enabled ? "off" : s.ready ? "ready" : s.state === "building" && s.passagesToEmbed ? `building ${s.passagesEmbedded}/${s.passagesToEmbed}` : s.state}${topics}`;
    const pending = (s.enabled && !s.ready && s.state !== "failed") || (t && t.enabled && !t.ready && t.state !== "failed");
    if (pending) setTimeout(refreshStatus, 3000);
  } catch (e) { $("#status").textContent = ""; }
}

// ---- search ----
let state = { q: "", mode: "hybrid", sort: "relevance", page: 1, filters: {} };
let searchTimer = null;
let lastRequest = 0;

function stateFromParams(params) {
  const filters = {};
  for (const [key] of FACETS) { const values = params.getAll(key); if (values.length) filters[key] = values; }
  const page = Math.max(1, Math.floor(Number(params.get("page") || 1)) || 1);
  return { q: params.get("q") || "", mode: params.get("mode") || "hybrid", sort: params.get("sort") || "relevance", page, filters };
}
function paramsOf(s, extra = {}) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.mode !== "hybrid") p.set("mode", s.mode);
  if (s.sort !== "relevance") p.set("sort", s.sort);
  for (const [key, values] of Object.entries(s.filters)) for (const v of values) p.append(key, v);
  if (s.page > 1 && !("page" in extra)) p.set("page", s.page);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p;
}

function renderSearch(params) {
  const main = $("#main");
  if (!$("#search-form", main)) {
    main.replaceChildren($("#search-view").content.cloneNode(true));
    const form = $("#search-form");
    form.addEventListener("submit", e => { e.preventDefault(); clearTimeout(searchTimer); closeSuggestions(); commit({ q: $("#q").value, page: 1 }); });
    $("#q").addEventListener("input", () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => commit({ q: $("#q").value, page: 1 }, { typing: true }), 250);
      suggest($("#q").value);
    });
    wireSuggestions();
    form.querySelectorAll("input[name=mode]").forEach(r => r.addEventListener("change", () => commit({ mode: r.value, page: 1 })));
    $("#sort").addEventListener("change", () => commit({ sort: $("#sort").value, page: 1 }));
  }
  // Drawn from the URL: whatever is pending from typing gives way, and the box says what the URL says.
  clearTimeout(searchTimer);
  closeSuggestions();
  typingSince = 0;
  state = stateFromParams(params);
  if ($("#q").value !== state.q) $("#q").value = state.q;
  const radio = document.querySelector(`input[name=mode][value="${state.mode}"]`);
  if (radio) radio.checked = true;
  $("#sort").value = state.sort;
  runSearch();
}

// A burst of typing is one history entry (replaced as it goes); anything else (Enter, a facet, the mode, a page)
// is a new entry, so that Back returns to the search before it.
let typingSince = 0;
function commit(change, { typing = false } = {}) {
  state = { ...state, ...change };
  const target = "#/search?" + paramsOf(state).toString();
  if (location.hash !== target) {
    const replace = typing && typingSince > 0 && Date.now() - typingSince < 3000;
    if (replace) history.replaceState(null, "", target); else history.pushState(null, "", target);
    renderedHash = location.hash;
  }
  typingSince = typing ? Date.now() : 0;
  runSearch();
}

async function runSearch() {
  const id = ++lastRequest;
  const params = paramsOf(state, { page: state.page, pageSize: 10 });
  $("#export-csv").href = "/api/search/export?" + paramsOf(state, { download: "csv" });
  $("#export-json").href = "/api/search/export?" + paramsOf(state, { download: "json" });
  try {
    const r = await api("/api/search?" + params);
    if (id !== lastRequest) return; // a newer search is on its way
    showError("");
    drawResults(r);
  } catch (e) {
    if (id !== lastRequest) return;
    // The error replaces the results: those of the previous query must not sit under it.
    $("#summary").textContent = "No results: the search failed.";
    for (const sel of ["#hits", "#facets", "#pager", "#answer"]) $(sel).replaceChildren();
    $("#notice").hidden = true;
    showError(e.message);
  }
}

function drawResults(r) {
  const modeName = { hybrid: "hybrid", bm25: "keyword", semantic: "semantic" }[r.mode] || r.mode;
  $("#summary").textContent = `${r.total} document${r.total === 1 ? "" : "s"} · ${modeName} · ${Math.round(r.elapsedMilliseconds)} ms`;
  const notice = $("#notice"); notice.hidden = !r.notice; notice.textContent = r.notice || "";
  drawAnswer(r);
  $("#hits").replaceChildren(...r.hits.map((h, i) => drawHit(r, h, (r.page - 1) * r.pageSize + i + 1)));
  drawFacets(r.facets || {});
  const pages = Math.ceil(r.total / r.pageSize);
  $("#pager").replaceChildren(
    el("button", { class: "secondary", type: "button", disabled: r.page <= 1, onclick: () => commit({ page: r.page - 1 }) }, "← Previous"),
    el("span", { text: pages > 0 ? `Page ${r.page} of ${pages}` : "" }),
    el("button", { class: "secondary", type: "button", disabled: r.page >= pages, onclick: () => commit({ page: r.page + 1 }) }, "Next →"));
}

// What the service says about the query as a whole: a corrected spelling, close spellings used, nothing matched well.
// Each part only when the response has it.
function drawAnswer(r) {
  const parts = [];
  if (r.didYouMean) {
    parts.push(el("p", { id: "did-you-mean", class: "did-you-mean" }, "Did you mean ",
      el("a", { href: "#/search?" + paramsOf({ ...state, q: r.didYouMean, page: 1 }), text: r.didYouMean }), "?"));
  }
  if (r.typoMatches) parts.push(el("p", { class: "hint", id: "typo-matches", text: "Words spelled close to yours are matched too, ranked below exact matches." }));
  if (r.nothingMatchedWell) parts.push(el("h2", { id: "nothing-matched", class: "nothing-matched", text: "Nothing matched well — nearest documents" }));
  $("#answer").replaceChildren(...parts);
}

function drawHit(r, h, rank) {
  const m = h.metadata; const s = h.scores || {};
  const snippet = el("p", { class: "snippet" }); snippet.innerHTML = safeSnippet(h.snippet);
  const numbers = [];
  if (s.keyword != null) numbers.push(`keyword ${s.keyword.toFixed(2)} (${s.keywordRank != null ? "#" + s.keywordRank : "below #" + s.keywordRankOver})`);
  if (s.semantic != null) numbers.push(`semantic ${s.semantic.toFixed(3)} (#${s.semanticRank})`);
  if (r.mode !== "bm25" && s.fused != null) numbers.push(`fused ${s.fused.toFixed(3)}`);
  if (s.identifierMatch) numbers.push("exact identifier match");
  const why = Array.isArray(h.why) ? h.why : [];
  const whyId = `why-${rank}`;
  const panel = el("div", { id: whyId, class: "why", hidden: true },
    why.length ? el("ul", {}, why.map(w => el("li", { text: w }))) : null,
    numbers.length ? el("p", { class: "scores", text: numbers.join(" · ") }) : null);
  const toggle = (why.length || numbers.length) ? el("button", {
    type: "button", class: "link why-toggle", "aria-expanded": "false", "aria-controls": whyId,
    onclick: e => { const open = e.currentTarget.getAttribute("aria-expanded") !== "true"; e.currentTarget.setAttribute("aria-expanded", String(open)); panel.hidden = !open; },
  }, "Why this result") : null;
  return el("li", { class: "hit" },
    el("h3", {}, el("a", { href: docHref(h.id), text: h.title })),
    el("div", { class: "facts" },
      el("span", { text: m.number || h.id }), el("span", { text: KIND[h.kind] || h.kind }), m.group && el("span", { text: m.group }),
      m.date && el("span", { text: m.date }), m.questions && m.questions.length > 0 && el("span", { text: m.questions.join(" ") }),
      ...(h.topics || []).map(badge)),
    snippet, toggle, toggle ? panel : null);
}

// Each facet folds (a <details>); on a narrow screen they start folded, except those with a selection.
const facetOpen = {};
function drawFacets(facets) {
  const narrow = window.matchMedia("(max-width: 700px)").matches;
  const box = $("#facets");
  box.replaceChildren(...FACETS.filter(([key]) => facets[key] && facets[key].length).map(([key, label]) => {
    const selected = facets[key].filter(v => v.selected).length;
    const open = key in facetOpen ? facetOpen[key] : (!narrow || selected > 0);
    const details = el("details", { "data-facet": key, open },
      el("summary", {}, el("span", { text: label }), selected ? el("span", { class: "count", text: `${selected} selected` }) : null),
      el("ul", {}, facets[key].slice(0, 40).map(v => el("li", {},
        el("label", {},
          el("span", {}, el("input", { type: "checkbox", value: v.value, checked: v.selected, onchange: e => toggleFilter(key, v.value, e.target.checked) }), " ", v.value),
          el("span", { class: "count", text: v.count }))))));
    details.addEventListener("toggle", () => { facetOpen[key] = details.open; });
    return details;
  }));
}

function toggleFilter(key, value, on) {
  const filters = { ...state.filters };
  const values = new Set(filters[key] || []);
  if (on) values.add(value); else values.delete(value);
  if (values.size) filters[key] = [...values]; else delete filters[key];
  commit({ filters, page: 1 });
}

// ---- autocomplete: an ARIA combobox on the search box over /api/suggest (titles, numbers, Questions,
// Recommendations, acronyms). A service without the endpoint (404) or an error just means no list. ----
const SUGGEST_KIND = { title: "Title", number: "Number", question: "Question", recommendation: "Recommendation", acronym: "Acronym", word: "Word" };
let suggestTimer = null;
let suggestRequest = 0;
let suggestAvailable = true;
let suggestions = [];
let activeSuggestion = -1;

function suggest(text) {
  clearTimeout(suggestTimer);
  const q = text.trim();
  if (!suggestAvailable || q.length < 2) { closeSuggestions(); return; }
  suggestTimer = setTimeout(async () => {
    const id = ++suggestRequest;
    let response;
    try { response = await fetch("/api/suggest?" + new URLSearchParams({ q, limit: 8 }), withKey()); } catch { return; }
    if (response.status === 404) { suggestAvailable = false; closeSuggestions(); return; }
    if (!response.ok || id !== suggestRequest) return;
    let body;
    try { body = await response.json(); } catch { return; }
    if (id !== suggestRequest || $("#q") !== document.activeElement || $("#q").value.trim() !== q) return;
    showSuggestions(Array.isArray(body.suggestions) ? body.suggestions.filter(x => x && x.text) : []);
  }, 120);
}

function showSuggestions(list) {
  suggestions = list;
  activeSuggestion = -1;
  const box = $("#suggestions"); const input = $("#q");
  box.replaceChildren(...list.map((x, i) => el("li", {
    id: `suggestion-${i}`, role: "option", "aria-selected": "false", class: "suggestion",
    onmousedown: e => { e.preventDefault(); chooseSuggestion(i); },
  }, el("span", { text: x.text }), el("span", { class: "kind", text: SUGGEST_KIND[x.kind] || x.kind || "" }))));
  box.hidden = list.length === 0;
  input.setAttribute("aria-expanded", String(list.length > 0));
  input.removeAttribute("aria-activedescendant");
}

function closeSuggestions() {
  clearTimeout(suggestTimer);
  suggestRequest++;
  suggestions = []; activeSuggestion = -1;
  const box = $("#suggestions"); const input = $("#q");
  if (box) { box.hidden = true; box.replaceChildren(); }
  if (input) { input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); }
}

function moveSuggestion(step) {
  if (!suggestions.length) return;
  const positions = suggestions.length + 1; // -1 is back in the box
  activeSuggestion = ((activeSuggestion + 1 + step + positions) % positions) - 1;
  $("#suggestions").querySelectorAll("[role=option]").forEach((o, i) => o.setAttribute("aria-selected", String(i === activeSuggestion)));
  if (activeSuggestion >= 0) {
    $("#q").setAttribute("aria-activedescendant", `suggestion-${activeSuggestion}`);
    $(`#suggestion-${activeSuggestion}`).scrollIntoView({ block: "nearest" });
  } else $("#q").removeAttribute("aria-activedescendant");
}

// A suggestion that is a document opens it; any other searches for its text.
function chooseSuggestion(i) {
  const x = suggestions[i];
  closeSuggestions();
  if (!x) return;
  clearTimeout(searchTimer);
  if (x.id) { location.hash = docHref(x.id); return; }
  $("#q").value = x.text;
  commit({ q: x.text, page: 1 });
}

function wireSuggestions() {
  const input = $("#q");
  input.addEventListener("keydown", e => {
    const open = !$("#suggestions").hidden;
    if (e.key === "ArrowDown" && open) { e.preventDefault(); moveSuggestion(1); }
    else if (e.key === "ArrowUp" && open) { e.preventDefault(); moveSuggestion(-1); }
    else if (e.key === "Enter" && open && activeSuggestion >= 0) { e.preventDefault(); chooseSuggestion(activeSuggestion); }
    else if (e.key === "Escape" && open) { e.preventDefault(); closeSuggestions(); }
  });
  input.addEventListener("blur", () => setTimeout(closeSuggestions, 0));
}

// ---- document ----
async function renderDocument(id) {
  const main = $("#main");
  main.replaceChildren($("#document-view").content.cloneNode(true));
  $("#back").href = "#/search?" + paramsOf(state);
  try {
    const d = await api(`/api/documents/${encodeURIComponent(id)}`);
    const m = d.metadata;
    document.title = `${d.title} — Search`;
    $("#doc-title").textContent = d.title;
    $("#doc-number").textContent = [m.number, KIND[m.kind], m.group].filter(Boolean).join(" · ");
    $("#doc-file").href = `/api/documents/${encodeURIComponent(id)}/file`;
    const rows = [["Study groups", m.studyGroups.join(", ")], ["Study period", m.studyPeriod], ["Questions", m.questions.join(", ")], ["Source", m.source],
      ["From", m.from], ["To", m.to.join(", ")], ["Purpose", m.purpose], ["Date", m.date], ["Meeting", m.meetingStart && `${m.meetingStart} – ${m.meetingEnd}`],
      ["Place", m.place], ["Approval", m.approval], ["Deadline", m.deadline], ["Replies to", m.repliesTo.join(", ")], ["Keywords", m.keywords.join("; ")],
      ["Recommendations", m.references.recommendations.join(", ")], ["Resolutions", m.references.resolutions.join(", ")], ["Contacts", m.contacts.join(" | ")],
      ["Abstract", m.abstract], ["Not found", m.missingFields.join(", ")]].filter(([, v]) => v);
    $("#doc-meta").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
    $("#doc-text").textContent = d.text;
    await drawTopics(id, d.topics);
    $("#doc-topics-by").textContent = d.topicsBy ? `Tagged from ${d.topicsBy.includes("+") ? `text features and ${d.topicsBy.split("+")[1]} sentence embeddings` : "text features"}.` : "";
    const [related, links] = await Promise.all([api(`/api/documents/${encodeURIComponent(id)}/related?limit=8`), api(`/api/documents/${encodeURIComponent(id)}/links`)]);
    $("#doc-related").replaceChildren(...(related.length ? related.map(r => el("li", {},
      el("a", { href: docHref(r.id), text: r.title }), " ", el("span", { class: "doc-sub", text: `${r.group || ""} · ${r.similarity.toFixed(2)}${r.group !== m.group ? " · other group" : ""}` }))) : [el("li", { text: "None yet (semantic search is being prepared)." })]));
    const link = l => el("li", {}, l.id ? el("a", { href: docHref(l.id), text: `${l.number} — ${l.title}` }) : el("span", { text: l.number }), l.reply ? " (reply)" : "");
    $("#doc-cites").replaceChildren(...(links.cites.length ? links.cites.map(link) : [el("li", { text: "None" })]));
    $("#doc-cited-by").replaceChildren(...(links.citedBy.length ? links.citedBy.map(link) : [el("li", { text: "None" })]));
  } catch (e) {
    showError(e.message);
  }
}

async function drawTopics(id, topics) {
  let taxonomy = [];
  try { taxonomy = (await api("/api/topics")).topics; } catch (e) { showError(e.message); }
  const byId = Object.fromEntries(topics.map(t => [t.topic, t]));
  $("#doc-topics").replaceChildren(...taxonomy.map(t => {
    const a = byId[t.id];
    const set = async value => {
      try {
        const method = value === null ? "DELETE" : "PUT";
        const url = `/api/documents/${encodeURIComponent(id)}/topics/${t.id}` + (value === null ? "" : `?value=${value}`);
        const updated = await api(url, { method });
        await drawTopics(id, updated);
      } catch (e) { showError(e.message); }
    };
    return el("li", { "data-topic": t.id },
      el("div", {}, a ? badge(t.id) : el("span", { text: t.id }), " ", el("strong", { text: t.label }), " ",
        el("span", { class: "doc-sub", text: a ? (a.overridden ? "set by hand" : `confidence ${a.confidence.toFixed(2)}`) : "not tagged" })),
      a && a.evidence ? el("p", { class: "evidence", text: `Evidence: “${a.evidence}”` }) : null,
      apiKey() ? el("div", { class: "actions" },
        el("button", { type: "button", class: "secondary", onclick: () => set(true), "aria-label": `Tag as ${t.label}` }, "Tag"),
        el("button", { type: "button", class: "secondary", onclick: () => set(false), "aria-label": `Remove ${t.label}` }, "Remove"),
        el("button", { type: "button", class: "secondary", onclick: () => set(null), "aria-label": `Let the classifier decide ${t.label}` }, "Auto")) : null);
  }), ...(apiKey() ? [] : [el("li", { class: "doc-sub", id: "topics-locked" }, "Changing topics needs the API key: ",
    el("button", { type: "button", class: "secondary", onclick: askKey }, "Enter API key"))]));
}

// ---- overlaps ----
async function renderOverlaps(params) {
  const main = $("#main");
  main.replaceChildren($("#overlaps-view").content.cloneNode(true));
  // The API's defaults are the CLI's (search overlaps): the same parameters give the same pairs and clusters.
  const topic = params.get("topic") || ""; const min = params.get("minSimilarity") || "0.6"; const top = params.get("top") || "50";
  $("#overlap-min").value = min; $("#overlap-top").value = top;
  $("#overlap-form").addEventListener("submit", e => {
    e.preventDefault();
    const p = new URLSearchParams({ minSimilarity: $("#overlap-min").value, top: $("#overlap-top").value });
    if ($("#overlap-topic").value) p.set("topic", $("#overlap-topic").value);
    location.hash = "#/overlaps?" + p;
  });
  const q = new URLSearchParams({ minSimilarity: min, top }); if (topic) q.set("topic", topic);
  $("#overlap-csv").href = "/api/overlaps?" + q + "&download=csv";
  $("#overlap-json").href = "/api/overlaps?" + q + "&download=json";
  $("#clusters").textContent = "Analysing…";
  try {
    const r = await api("/api/overlaps?" + q);
    $("#overlap-topic").replaceChildren(el("option", { value: "", text: "All topics" }), ...r.topics.map(t => el("option", { value: t, text: t, selected: t === topic })));
    drawHeatmap(r);
    const cli = ["search overlaps", topic && `--topic ${topic}`, min !== "0.6" && `--min-similarity ${min}`, top !== "50" && `--top ${top}`].filter(Boolean).join(" ");
    $("#overlap-summary").replaceChildren(`${r.pairs.length} pairs in ${r.clusters.length} clusters (similarity ≥ ${min}). The same as `, el("code", { text: cli }), ".");
    drawClusters(r);
  } catch (e) {
    $("#clusters").textContent = "";
    showError(e.message);
  }
}

function drawHeatmap(r) {
  const counts = {}; let max = 1;
  for (const a of r.activity) { counts[`${a.group}|${a.topic}`] = a; max = Math.max(max, a.documents); }
  const groups = r.groups.filter(g => r.topics.some(t => counts[`${g}|${t}`]));
  $("#heatmap").replaceChildren(el("table", {},
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Study group" }), ...r.topics.map(t => el("th", { scope: "col" }, badge(t))))),
    el("tbody", {}, groups.map(g => el("tr", {}, el("th", { scope: "row", text: g }), ...r.topics.map(t => {
      const a = counts[`${g}|${t}`]; const n = a ? a.documents : 0;
      const shade = n === 0 ? "transparent" : `rgba(10, 94, 168, ${0.12 + 0.75 * n / max})`;
      const title = a ? `${g} on ${t}: ${n} documents; Questions ${Object.keys(a.questions).slice(0, 4).join(", ")}; years ${Object.keys(a.byYear).join(", ")}` : `${g}: none on ${t}`;
      return el("td", { style: `background:${shade};color:${n / max > 0.55 ? "#fff" : "inherit"}`, title },
        n ? el("a", { href: `#/search?topic=${t}&sg=${g}`, "aria-label": title, text: n }) : "·");
    }))))));
}

function drawClusters(r) {
  const pairs = Object.fromEntries(r.pairs.map(p => [p.rank, p]));
  const doc = d => el("a", { href: docHref(d.id), text: `${d.group} · ${d.number || d.id}` });
  $("#clusters").replaceChildren(...(r.clusters.length ? r.clusters.map(c => el("section", { class: "cluster" },
    el("h3", { text: `${c.groups.join(" / ")} — ${c.label || "similar work"}` }),
    el("p", { class: "evidence-line" }, ...c.topics.map(badge), ` ${c.documents.length} documents · best pair ${c.score.toFixed(2)}`),
    ...c.pairs.slice(0, 3).map(rank => {
      const p = pairs[rank];
      const extra = [p.citesEachOther ? "one cites the other" : null, p.sharedReferences.length ? `shared references: ${p.sharedReferences.join(", ")}` : null,
        p.sharedTerms.length ? `shared terms: ${p.sharedTerms.slice(0, 8).join(", ")}` : null].filter(Boolean).join(" · ");
      return el("div", { class: "pair" },
        el("p", { class: "evidence-line", text: `Pair #${p.rank} · similarity ${p.score.toFixed(3)} (centroids ${p.centroidSimilarity.toFixed(2)}, coverage ${p.coverageSimilarity.toFixed(2)}, best passages ${p.passageSimilarity.toFixed(2)})${extra ? " · " + extra : ""}` }),
        el("div", { class: "side" },
          el("div", {}, doc(p.first), el("div", { text: p.first.title }), el("blockquote", { text: p.firstPassage })),
          el("div", {}, doc(p.second), el("div", { text: p.second.title }), el("blockquote", { text: p.secondPassage }))));
    }))) : [el("p", { text: "No pairs above this similarity." })]));
}

drawKeyButton();
refreshStatus();
route();
