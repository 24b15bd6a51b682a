(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("donnees-passages").textContent);
  const categories = new Map(data.categories.map((c) => [c.id, c]));
  const types = new Map(data.types.map((t, n) => [t.id, Object.assign({n: n}, t)]));
  const rows = data.passages.map((r) => ({
    id: data.docs[r[1]] + "#" + r[0], doc: data.docs[r[1]], meta: data.docMeta[r[1]],
    heading: data.headings[r[2]], context: r[3],
    kind: data.kinds[r[4]], segments: r[5], comps: r[7],
    tags: r[6].map((t) => ({c: t[0], s: t[1], src: t[2], ev: t[3]}))
  }));
  // Searches ignore case and accents: « cooperer » finds « coopérer ». Folding keeps one character per
  // character of the text (accents are dropped, ligatures kept), so positions in the folded text are
  // positions in the text.
  function fold(text) {
    let folded = "";
    for (const character of text) {
      const bare = character.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase("fr");
      folded += bare.length === character.length ? bare : character.toLocaleLowerCase("fr");
    }
    return folded.replace(/[\u2019\u02bc]/g, "'");
  }
  const passages = rows.map((p) => {
    const text = p.segments.map((s) => (typeof s === "string" ? s : s[0])).join("");
    return Object.assign({text: text, plain: fold(text)}, p);
  });
  const docIndex = new Map(data.docs.map((d, n) => [d, n]));
  const list = document.getElementById("liste-passages");
  const counter = document.getElementById("compte-passages");
  const more = document.getElementById("plus-de-passages");
  const byCategory = document.getElementById("filtre-categorie");
  const byDocument = document.getElementById("filtre-document");
  const byType = document.getElementById("filtre-competence");
  const byText = document.getElementById("filtre-texte");
  let matching = [];
  let shown = 0;

  function node(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function categoryLabel(id) {
    const category = categories.get(id);
    return category ? category.label : id;
  }

  function passageText(p) {
    const paragraph = node("p", "texte");
    for (const segment of p.segments) {
      if (typeof segment === "string") {
        paragraph.appendChild(document.createTextNode(segment));
        continue;
      }
      const [text, cats, comps] = segment;
      const mark = node("mark", "", text);
      const tips = [];
      if (cats.length) {
        const first = categories.get(cats[0]);
        if (first) mark.classList.add("dim-" + first.dim);
        mark.dataset.categories = cats.join(" ");
        for (const id of cats) tips.push("Catégorie : " + categoryLabel(id) + " (" + id + ")");
      }
      for (const [type, term] of comps) {
        const known = types.get(type);
        if (known) mark.classList.add("type-" + known.n);
        tips.push("Compétence " + (known ? known.label : type) + " : " + term);
      }
      mark.title = tips.join("\n");
      paragraph.appendChild(mark);
    }
    return paragraph;
  }

  function passageCard(p) {
    const card = node("article", "passage");
    card.dataset.id = p.id;
    card.dataset.doc = p.doc;
    card.dataset.categories = p.tags.map((t) => t.c).join(" ");
    const header = node("header");
    header.appendChild(node("span", "doc", p.doc));
    header.appendChild(node("span", "chemin", p.heading.length ? p.heading.join(" › ") : "(sans titre)"));
    header.appendChild(node("span", "genre", p.kind));
    card.appendChild(header);
    if (p.context.length) card.appendChild(node("p", "contexte", "Contexte : " + p.context.join(" › ")));
    card.appendChild(passageText(p));
    if (p.tags.length) {
      const tags = node("ul", "etiquettes");
      for (const tag of p.tags) {
        const item = node("li");
        const category = categories.get(tag.c);
        const dot = node("span", "pastille" + (category ? " dim-" + category.dim : ""));
        item.appendChild(dot);
        item.appendChild(node("strong", "", categoryLabel(tag.c)));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(node("code", "", tag.c));
        let details = " · score " + String(tag.s).replace(".", ",") + " · source : " + tag.src;
        if (tag.ev.length) details += " · indices : " + tag.ev.join(", ");
        item.appendChild(document.createTextNode(details));
        tags.appendChild(item);
      }
      card.appendChild(tags);
    } else {
      card.appendChild(node("p", "etiquettes", "Aucune catégorie."));
    }
    if (p.comps.length) {
      const line = node("p", "competences");
      line.appendChild(node("strong", "", "Compétences : "));
      line.appendChild(document.createTextNode(p.comps.map(([term, type]) =>
        term + " (" + (types.has(type) ? types.get(type).label : type) + ")").join(", ")));
      card.appendChild(line);
    }
    return card;
  }

  const byVariable = Array.from(document.querySelectorAll(".filtre-variable"));

  function keep(p, category, documentId, type, needle) {
    if (documentId && p.doc !== documentId) return false;
    for (const select of byVariable) {
      if (select.value && p.meta[select.dataset.variable] !== select.value) return false;
    }
    if (category === "__aucune__" && p.tags.length) return false;
    if (category && category !== "__aucune__" && !p.tags.some((t) => t.c === category)) return false;
    if (type && !p.comps.some((c) => c[1] === type)) return false;
    if (needle && !p.plain.includes(needle)) return false;
    return true;
  }

  function showMore() {
    const next = matching.slice(shown, shown + data.pageSize);
    const fragment = document.createDocumentFragment();
    for (const p of next) fragment.appendChild(passageCard(p));
    list.appendChild(fragment);
    shown += next.length;
    const left = matching.length - shown;
    more.hidden = left <= 0;
    more.textContent = "Afficher " + Math.min(left, data.pageSize) + " passages de plus (reste " + left + ")";
    counter.textContent = matching.length + " passage" + (matching.length > 1 ? "s" : "") +
      " sur " + passages.length + (shown < matching.length ? " (" + shown + " affichés)" : "");
  }

  function refresh() {
    const needle = fold(byText.value.trim());
    matching = passages.filter((p) => keep(p, byCategory.value, byDocument.value, byType.value, needle));
    list.replaceChildren();
    shown = 0;
    showMore();
    showDocument(byDocument.value);
  }

  // The view of one report: what the browser holds of it, its specific words and what cleaning removed.
  const view = document.getElementById("vue-document");

  function showDocument(documentId) {
    view.replaceChildren();
    view.hidden = !documentId;
    if (!documentId) return;
    const n = docIndex.get(documentId);
    const own = passages.filter((p) => p.doc === documentId);
    view.appendChild(node("h3", "", "Le document " + documentId));
    const total = data.docTotals[n];
    view.appendChild(node("p", "", own.length + " passage" + (own.length > 1 ? "s" : "") +
      (total > own.length ? " sur " + total + " dans ce rapport (tous sont dans passages.jsonl)" : "") +
      ", montrés ci-dessous dans l'ordre du texte nettoyé."));
    const perCategory = new Map();
    const perTerm = new Map();
    for (const p of own) {
      for (const tag of p.tags) perCategory.set(tag.c, (perCategory.get(tag.c) || 0) + 1);
      for (const [term, type] of p.comps) {
        const key = term + " (" + (types.has(type) ? types.get(type).label : type) + ")";
        perTerm.set(key, (perTerm.get(key) || 0) + 1);
      }
    }
    function counted(title, counts, label) {
      view.appendChild(node("p", "", "")).appendChild(node("strong", "", title));
      if (!counts.size) {
        view.appendChild(node("p", "", "Aucune."));
        return;
      }
      const items = node("ul");
      for (const [key, count] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "fr"))) {
        items.appendChild(node("li", "", label(key) + " : " + count));
      }
      view.appendChild(items);
    }
    counted("Catégories (passages)", perCategory, categoryLabel);
    view.appendChild(node("p", "", "")).appendChild(node("strong", "", "Compétences (occurrences)"));
    view.appendChild(node("p", "competences-document", perTerm.size ? [...perTerm]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "fr"))
      .map(([key, count]) => key + (count > 1 ? " ×" + count : "")).join(", ") : "Aucune."));
    const words = data.docWords[n];
    view.appendChild(node("p", "", "")).appendChild(node("strong", "", "Mots propres à ce document"));
    view.appendChild(node("p", "", words.length ? words.join(", ") : data.docs.length < 2
      ? "Un seul document : pas de reste du corpus auquel le comparer."
      : "Aucun mot nettement plus fréquent ici que dans le reste du corpus."));
    const removed = data.docRemoved[n];
    view.appendChild(node("p", "", "")).appendChild(node("strong", "", "Retiré au nettoyage"));
    if (!removed.length) {
      view.appendChild(node("p", "", "Rien (hors espaces et lignes vides)."));
    } else {
      const items = node("ul");
      for (const [reason, text] of removed) {
        const item = node("li");
        item.appendChild(node("span", "retire", text));
        item.appendChild(document.createTextNode(" — " + reason));
        items.appendChild(item);
      }
      view.appendChild(items);
    }
  }

  // Shows one passage in the browser: its document alone, every page up to it, then scrolls to it.
  function showPassage(id, documentId) {
    byCategory.value = "";
    byType.value = "";
    for (const select of byVariable) select.value = "";
    byText.value = "";
    byDocument.value = documentId;
    refresh();
    let card = list.querySelector('[data-id="' + CSS.escape(id) + '"]');
    while (!card && shown < matching.length) {
      showMore();
      card = list.querySelector('[data-id="' + CSS.escape(id) + '"]');
    }
    if (!card) return;
    for (const old of list.querySelectorAll(".vise")) old.classList.remove("vise");
    card.classList.add("vise");
    card.scrollIntoView({block: "center"});
  }

  // Concordance: words of the passages' text; a query is words, each possibly with * and ? wildcards.
  const WORD = /[\p{L}\p{N}][\p{L}\p{N}'-]*/gu;
  const WIDTH = 50;
  const term = document.getElementById("concordance-terme");
  const order = document.getElementById("concordance-tri");
  const exporter = document.getElementById("concordance-csv");
  const table = document.getElementById("concordance-lignes");
  const found = document.getElementById("concordance-compte");
  let lines = [];

  // A word without wildcards also finds its plural in s or x (« donnée » finds « données »): the report holds
  // the words of the text, not their lemmas (the command line's kwic matches lemmas).
  function wordPattern(word) {
    const escaped = word.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\p{L}\\p{N}'-]*")
      .replace(/\?/g, "[\\p{L}\\p{N}]");
    const plural = /[*?]/.test(word) || /[sx]$/.test(word) ? "" : "[sx]?";
    return new RegExp("^" + escaped + plural + "$", "u");
  }

  // A context cut inside a word loses that part word (« …rsonnes » is shown as « … »).
  function wholeWords(text, cut, atEnd) {
    const spaced = text.replace(/\s+/g, " ");
    if (!cut) return spaced;
    return atEnd ? spaced.replace(/\s*\S*$/, "") + " …" : "… " + spaced.replace(/^\S*\s*/, "");
  }

  function concordance(query) {
    const wanted = fold(query).split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}'*?-]/gu, "")).filter(Boolean);
    if (!wanted.length) return [];
    const patterns = wanted.map(wordPattern);
    const result = [];
    for (const p of passages) {
      const words = [...p.plain.matchAll(WORD)];
      for (let i = 0; i + patterns.length <= words.length; i++) {
        if (!patterns.every((pattern, k) => pattern.test(words[i + k][0]))) continue;
        const start = words[i].index;
        const last = words[i + patterns.length - 1];
        const end = last.index + last[0].length;
        const before = p.text.slice(Math.max(0, start - WIDTH), start);
        result.push({passage: p, left: wholeWords(before, start > WIDTH, false), match: p.text.slice(start, end),
                     right: wholeWords(p.text.slice(end, end + WIDTH), end + WIDTH < p.text.length, true)});
      }
    }
    return result;
  }

  const sorters = {
    left: (line) => fold(line.left).match(WORD)?.slice(-1)[0] || "",
    right: (line) => fold(line.right).match(WORD)?.[0] || "",
    match: (line) => fold(line.match),
  };

  function showConcordance() {
    const query = term.value.trim();
    lines = query ? concordance(query) : [];
    const key = sorters[order.value];
    if (key) lines.sort((a, b) => key(a).localeCompare(key(b), "fr"));
    const body = table.tBodies[0];
    body.replaceChildren();
    for (const line of lines.slice(0, 2000)) {
      const row = node("tr");
      row.appendChild(node("td", "doc", line.passage.doc));
      row.appendChild(node("td", "gauche", line.left));
      row.appendChild(node("td", "forme", line.match));
      row.appendChild(node("td", "droite", line.right));
      row.addEventListener("click", () => showPassage(line.passage.id, line.passage.doc));
      body.appendChild(row);
    }
    table.hidden = !lines.length;
    exporter.disabled = !lines.length;
    found.textContent = query ? lines.length + " occurrence" + (lines.length > 1 ? "s" : "") +
      (lines.length > 2000 ? " (les 2000 premières affichées ; l'export CSV les contient toutes)" : "") : "";
  }

  // as the project's CSV tables: a cell that a spreadsheet would read as a formula starts with '
  function csvCell(value) {
    const text = /^[=+\-@]/.test(String(value)) ? "'" + value : String(value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  exporter.addEventListener("click", () => {
    const rows = [["document", "passage", "avant", "forme", "apres"]].concat(lines.map((line) =>
      [line.passage.doc, line.passage.id, line.left, line.match, line.right]));
    const text = "\ufeff" + rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
    const link = node("a");
    link.href = URL.createObjectURL(new Blob([text], {type: "text/csv;charset=utf-8"}));
    link.download = "concordance.csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
  term.addEventListener("input", showConcordance);
  order.addEventListener("change", showConcordance);

  for (const control of [byCategory, byDocument, byType, ...byVariable]) {
    control.addEventListener("change", refresh);
  }
  byText.addEventListener("input", refresh);
  more.addEventListener("click", showMore);
  document.getElementById("filtre-reinitialiser").addEventListener("click", () => {
    byCategory.value = "";
    byDocument.value = "";
    byType.value = "";
    for (const select of byVariable) select.value = "";
    byText.value = "";
    refresh();
  });
  refresh();
})();
