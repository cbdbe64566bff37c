// vnextract review pages: keyboard work, the inspector, and offsets of a selection.
// Offsets are code points, as the server counts them: a selection's offset is the number of
// code points (Array.from) of the text before it, never a UTF-16 length.
"use strict";
(function () {
  const text = document.getElementById("article-text");
  const inspector = document.getElementById("inspector");
  const firsts = () => Array.from(document.querySelectorAll("#article-text mark[tabindex]"));

  function show(mark) {
    if (inspector) inspector.textContent = mark.dataset.info + " · “" + fullText(mark.dataset.m) + "”";
    document.querySelectorAll(".item.active").forEach((e) => e.classList.remove("active"));
    document.querySelectorAll("mark.hot").forEach((e) => e.classList.remove("hot"));
    document.querySelectorAll('mark[data-m="' + mark.dataset.m + '"]').forEach((e) => e.classList.add("hot"));
    const card = document.getElementById("item-" + mark.dataset.item);
    if (card) card.classList.add("active");
  }
  function fullText(id) {
    return Array.from(document.querySelectorAll('#article-text mark[data-m="' + id + '"]'))
      .map((e) => e.textContent).join("");
  }
  if (text) {
    text.addEventListener("focusin", (ev) => { if (ev.target.matches("mark")) show(ev.target); });
    text.addEventListener("mouseover", (ev) => { const m = ev.target.closest("mark.m"); if (m) show(m); });
  }

  // jump links in the record panel focus the mention in the text
  document.addEventListener("click", (ev) => {
    const jump = ev.target.closest("a[data-jump]");
    if (!jump) return;
    const mark = document.querySelector('#article-text mark[tabindex][data-m="' + jump.dataset.jump + '"]');
    if (mark) { ev.preventDefault(); mark.focus(); mark.scrollIntoView({ block: "center" }); }
  });

  function move(step) {
    const all = firsts();
    if (!all.length) return;
    const at = all.indexOf(document.activeElement);
    const next = at < 0 ? (step > 0 ? 0 : all.length - 1) : (at + step + all.length) % all.length;
    all[next].focus();
    all[next].scrollIntoView({ block: "nearest" });
  }
  function focusedMark() {
    const el = document.activeElement;
    return el && el.matches && el.matches("#article-text mark[tabindex]") ? el : null;
  }
  function submit(form) { if (form) { if (form.requestSubmit) form.requestSubmit(); else form.submit(); } }

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) {
      if (ev.key === "Escape") { const m = document.querySelector("mark.hot[tabindex]") || firsts()[0]; if (m) m.focus(); }
      return;
    }
    const mark = focusedMark();
    switch (ev.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": submit(document.getElementById("accept-form")); break;
      case "x":
        if (mark) submit(document.querySelector('form[data-remove-for="' + mark.dataset.m + '"]'));
        break;
      case "e":
        if (mark) {
          const edit = document.getElementById("edit-" + mark.dataset.item);
          if (edit) { edit.open = true; const first = edit.querySelector("input, select"); if (first) first.focus(); }
        }
        break;
      case "]": { const next = document.getElementById("next-article"); if (next) window.location.href = next.href; break; }
      case "Escape": if (mark) mark.blur(); break;
      default: return;
    }
    ev.preventDefault();
  });

  // a selection in the text fills the add form with code-point offsets
  const add = document.getElementById("add-form");
  function codePoints(s) { return Array.from(s).length; }
  function selected() {
    const sel = window.getSelection();
    if (!text || !add || !sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    const range = sel.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return;
    const before = document.createRange();
    before.setStart(text, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const start = codePoints(before.toString());
    const chosen = range.toString();
    add.querySelector("#add-start").value = start;
    add.querySelector("#add-end").value = start + codePoints(chosen);
    add.querySelector("#add-text").value = chosen;
    add.classList.add("ready");
  }
  if (text && add) {
    text.addEventListener("mouseup", selected);
    text.addEventListener("keyup", (ev) => { if (ev.shiftKey) selected(); });
  }
})();
