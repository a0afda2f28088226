(() => {
  const gen = "{{GEN}}";
  const key = "__certironScroll";
  const saved = history.state && history.state[key];
  if (saved) {
    addEventListener("load", () => {
      scrollTo(saved[0], saved[1]);
      const s = Object.assign({}, history.state);
      delete s[key];
      history.replaceState(s, "");
    });
  }
  const reload = () => {
    history.replaceState(Object.assign({}, history.state, {[key]: [scrollX, scrollY]}), "");
    location.reload();
  };
  const swapCSS = v => {
    for (const l of document.querySelectorAll('link[rel="stylesheet"]')) {
      const u = new URL(l.href);
      if (u.origin !== location.origin) continue;
      u.searchParams.set("v", v);
      const n = l.cloneNode();
      n.href = u.href;
      const done = () => l.remove();
      n.addEventListener("load", done);
      n.addEventListener("error", done);
      l.after(n);
    }
  };
  let overlay = null;
  const hide = () => { if (overlay) { overlay.remove(); overlay = null; } };
  const show = report => {
    hide();
    overlay = document.createElement("div");
    overlay.id = "certiron-build-error";
    overlay.setAttribute("role", "alert");
    Object.assign(overlay.style, {
      position: "fixed", top: "0", left: "0", right: "0", maxHeight: "75vh", overflow: "auto",
      zIndex: "2147483647", padding: "16px 20px", background: "#2a0c10", color: "#ffe9ea",
      font: "14px/1.55 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      boxShadow: "0 6px 30px rgba(0,0,0,.45)", borderBottom: "4px solid #ff5c6c", whiteSpace: "pre-wrap",
    });
    const head = document.createElement("div");
    head.textContent = "Build failed: still showing the last good version. Fix the file and this goes away.";
    Object.assign(head.style, {fontWeight: "700", marginBottom: "10px", color: "#ffb3ba"});
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    Object.assign(close.style, {float: "right", font: "inherit", color: "inherit", background: "transparent", border: "1px solid currentColor", borderRadius: "4px", padding: "2px 10px", cursor: "pointer"});
    close.addEventListener("click", hide);
    overlay.append(close, head);
    for (const e of report.errors) {
      const item = document.createElement("div");
      item.style.margin = "8px 0";
      const msg = document.createElement("div");
      msg.textContent = e.error;
      item.append(msg);
      if (e.line) {
        const src = document.createElement("div");
        src.textContent = "    " + e.line;
        src.style.opacity = ".75";
        item.append(src);
      }
      overlay.append(item);
    }
    (document.body || document.documentElement).append(overlay);
  };
  const es = new EventSource("/_certiron/events");
  es.addEventListener("hello", e => { if (e.data !== gen) reload(); });
  es.addEventListener("reload", reload);
  es.addEventListener("css", e => swapCSS(e.data));
  es.addEventListener("build-error", e => show(JSON.parse(e.data)));
  es.addEventListener("ok", hide);
})();
