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
  const passages = rows.map((p) => Object.assign({
    plain: p.segments.map((s) => (typeof s === "string" ? s : s[0])).join("").toLocaleLowerCase("fr")
  }, p));
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
    const needle = byText.value.trim().toLocaleLowerCase("fr");
    matching = passages.filter((p) => keep(p, byCategory.value, byDocument.value, byType.value, needle));
    list.replaceChildren();
    shown = 0;
    showMore();
  }

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
