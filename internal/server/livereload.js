// Live reload for `certiron-site serve`, injected into the pages it serves
// (never into a build). It listens to the dev server's events: see the
// server package's documentation.
(() => {
  "use strict";
  const me = document.currentScript;
  let gen = me ? me.dataset.certironGen : "";
  const key = "certironScroll";

  // A live reload keeps the scroll position in the history entry: not in
  // storage or cookies, which the site's audit forbids.
  const state = () => (history.state && typeof history.state === "object" ? history.state : {});
  const saved = state()[key];
  if (Array.isArray(saved)) {
    const rest = Object.assign({}, state());
    delete rest[key];
    history.replaceState(rest, "");
    const restore = () => scrollTo(saved[0], saved[1]);
    if (document.readyState === "complete") restore();
    else addEventListener("load", restore, {once: true});
  }
  const reload = () => {
    history.replaceState(Object.assign({}, state(), {[key]: [scrollX, scrollY]}), "");
    location.reload();
  };

  // Swap each same-origin stylesheet for a fresh copy; the old one goes
  // once the new one has loaded, so the page never shows unstyled. The
  // site names stylesheets by their content, so the new names are read
  // from the page as it is now served.
  const swapping = new WeakSet();
  const own = links => links.filter(l => new URL(l.getAttribute("href"), location.href).origin === location.origin);
  const swapCSS = async v => {
    let now = [];
    try {
      const r = await fetch(location.href, {cache: "no-store"});
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      now = own([...doc.querySelectorAll('link[rel~="stylesheet"][href]')]);
    } catch (e) {}
    const olds = own([...document.querySelectorAll('link[rel~="stylesheet"][href]')]);
    for (const [i, old] of olds.entries()) {
      const url = new URL((now[i] || old).getAttribute("href"), location.href);
      if (swapping.has(old)) continue;
      url.searchParams.set("v", v);
      const link = old.cloneNode();
      link.removeAttribute("integrity");
      link.href = url.href;
      swapping.add(old);
      const done = () => old.remove();
      link.addEventListener("load", done, {once: true});
      link.addEventListener("error", done, {once: true});
      old.after(link);
    }
  };

  // The build error overlay: built with DOM calls and styled through
  // element.style, which the site's CSP allows (style attributes in markup
  // it does not); all text goes in through textContent.
  let overlay = null;
  const hide = () => {
    if (overlay) overlay.remove();
    overlay = null;
  };
  const el = (tag, text, style) => {
    const e = document.createElement(tag);
    e.textContent = text;
    Object.assign(e.style, style);
    return e;
  };
  const show = (report, warning) => {
    hide();
    const dark = matchMedia("(prefers-color-scheme: dark)").matches;
    const fg = warning ? (dark ? "#fef3c7" : "#451a03") : (dark ? "#ffe4e6" : "#4c0519");
    const bg = warning ? (dark ? "#2a1a05" : "#fffbeb") : (dark ? "#2a0a10" : "#fff1f2");
    const accent = warning ? (dark ? "#fbbf24" : "#b45309") : (dark ? "#fb7185" : "#be123c");
    const errors = Array.isArray(report.errors) ? report.errors : [];
    overlay = el("div", "", {
      position: "fixed", top: "0", left: "0", right: "0", zIndex: "2147483647",
      maxHeight: "70vh", overflow: "auto", boxSizing: "border-box", margin: "0",
      padding: "16px 20px", background: bg, color: fg, textAlign: "left",
      borderBottom: "4px solid " + accent, boxShadow: "0 8px 30px rgba(0,0,0,.35)",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
    });
    overlay.id = warning ? "certiron-build-warning" : "certiron-build-error";
    overlay.setAttribute("role", warning ? "status" : "alert");
    const close = el("button", "Dismiss", {
      float: "right", font: "inherit", color: "inherit", background: "transparent",
      border: "1px solid currentColor", borderRadius: "4px", padding: "2px 10px", cursor: "pointer",
    });
    close.type = "button";
    close.addEventListener("click", hide);
    const n = errors.length;
    const title = warning
      ? `${n} warning${n === 1 ? "" : "s"}: the preview shows the site as built, but a build would report ${n === 1 ? "this" : "these"}.`
      : `Build failed${n ? ` with ${n} error${n === 1 ? "" : "s"}` : ""}: still showing the last good version. Fix the file and this goes away.`;
    overlay.append(close, el("div", title, {fontWeight: "700", color: accent, margin: "0 0 8px"}));
    for (const e of errors) {
      const item = el("div", "", {margin: "10px 0 0"});
      item.append(el("div", e.error, {whiteSpace: "pre-wrap", overflowWrap: "anywhere"}));
      if (typeof e.line === "string") {
        item.append(el("pre", e.line + (e.caret ? "\n" + e.caret : ""), {
          margin: "4px 0 0", padding: "6px 10px", borderRadius: "4px", overflowX: "auto",
          background: dark ? "rgba(255,255,255,.08)" : "rgba(0,0,0,.05)",
          font: "inherit", color: "inherit", whiteSpace: "pre", tabSize: "4",
        }));
      }
      overlay.append(item);
    }
    (document.body || document.documentElement).append(overlay);
  };

  // EventSource reconnects by itself; the hello after a reconnect tells
  // whether the page missed a change (or the server restarted).
  const events = new EventSource("/_certiron/events");
  events.addEventListener("hello", e => {
    if (gen && e.data !== gen) reload();
    gen = e.data;
  });
  events.addEventListener("reload", reload);
  events.addEventListener("css", e => {
    gen = e.data;
    swapCSS(e.data);
  });
  events.addEventListener("build-error", e => show(JSON.parse(e.data), false));
  events.addEventListener("build-warning", e => show(JSON.parse(e.data), true));
  events.addEventListener("ok", hide);
})();
