/*! codecard embed script. Makes the medical codes on a page open lookup cards.
 *
 * <script src="https://codes.example.org/widget/loader.js" data-endpoint="https://codes.example.org" async></script>
 *
 * Each script tag is one instance, configured by its data- attributes; CodeCard.create({...})
 * makes more. An instance marks its codes as buttons and, on the first hover, focus or touch of a
 * code (or when the browser is idle), loads the card module and its stylesheet from the loader's
 * directory. Nothing here throws into the page: failures go to the console and, after a click or
 * Enter on a code, to a small card of the loader's own that offers "Try again". */
// Not "use strict": the class is strict by itself and nothing else here reads differently.
(() => {
  const script = document.currentScript;
  if (!script || script.hasAttribute("data-codecard-started")) return;
  script.setAttribute("data-codecard-started", "");

  const BUILD = "__CODECARD_BUILD__";
  const files = new URL(BUILD + "/", script.src).href;
  let module = null; // Promise of [the initialised wasm-bindgen module, the CSS text], shared by instances
  let attempts = 0;
  let blocked = false; // the page's Content-Security-Policy refused to compile the wasm
  let search = null; // Promise of the search box's module, loaded only when a page has a box
  let searchAttempts = 0;
  const warn = (what, error) => console.warn("codecard: " + what, error);

  // A wasm-bindgen module, initialised. A failed import() stays failed for its URL in this
  // document: a retry asks a new one. The wasm is fetched alongside its JavaScript, not after it
  // (one round trip less before the first card); wasm-bindgen takes the pending response.
  const wasm = (name, retry) => {
    const bytes = fetch(files + name + "_bg.wasm");
    bytes.catch(noop); // reported by the import's failure, or by wasm-bindgen's
    return import(files + name + ".js" + (retry ? "?retry=" + retry : ""))
      .then((m) => m.default({ module_or_path: bytes }).then(() => m));
  };

  // The search box is a module of its own, so a page without one never downloads it.
  function loadSearch() {
    if (!search) {
      search = wasm("codecard_search", searchAttempts++);
      search.catch((error) => {
        search = null;
        warn("search box not loaded:", error);
      });
    }
    return search;
  }

  // The card's CSS travels over connect-src (fetch) and is adopted as a constructed stylesheet,
  // so a page whose style-src admits only itself still gets a styled card.
  function loadModule() {
    if (!module) {
      module = Promise.all([
        wasm("codecard", attempts++),
        fetch(files + "codecard.css").then((r) => {
          if (!r.ok) throw Error("codecard.css: HTTP " + r.status);
          return r.text();
        }),
      ]);
      module.catch((error) => {
        module = null; // a later interaction tries again
        // Said to the site owner in the console, and to the reader by the fallback card.
        blocked = /Content.Security.Policy/i.test(error?.message);
        warn(blocked ? "add 'wasm-unsafe-eval' to the page's CSP script-src" : "card not loaded:", error);
      });
    }
    return module;
  }

  // Code shapes for auto-detection, exactly as src/code.rs `written_pattern` declares them (its
  // unit test checks this table); the endpoint confirms each candidate exists before it is
  // marked. ICD-10-CM is matched in its written form (dotted past three characters).
  // (var: src/code.rs and tests/e2e/shapes.spec.js read this table from the source.)
  var SHAPES = {
    icd10cm: "[A-Z](?:\\d[0-9A-Z]|[A-Z]\\d)(?:\\.[0-9A-Z]{1,4})?",
    icd10pcs: "(?=[0-9A-HJ-NP-Z]*\\d)[0-9BCDFGHX][0-9A-HJ-NP-Z]{6}",
    cpt: "\\d{4}[0-9FTU]",
    hcpcs: "[A-V]\\d{4}",
  };
  // Where codes are never detected: form fields, editable text, code samples, links, our own.
  const SKIP = "input,textarea,select,option,script,style,noscript,template,pre,code,a,button,iframe,svg," +
    "[contenteditable]:not([contenteditable=false]),[data-code],[data-codecard-ignore],[data-codecard-host],code-card";
  const SLICE_MS = 8; // work per task before yielding, well under the 50 ms long-task line
  const now = () => performance.now();

  const later = (fn) => window.scheduler?.postTask ? scheduler.postTask(fn) : setTimeout(fn);

  // The loader's own words: what its fallback card says when the card module cannot be loaded.
  const WORDS = {
    en: ["The code lookup service cannot be reached right now.", "Try again", "Close", "This page's security policy blocks the code lookup."],
    es: ["No se puede acceder al servicio de códigos en este momento.", "Reintentar", "Cerrar", "La política de seguridad de esta página bloquea la consulta de códigos."],
  };
  // Isolated from the page like the card: the host's properties are reset, direction included (by dir).
  // (display:block: where showPopover() is missing, the browser's own style may still hide [popover].)
  const FALLBACK_CSS =
    ":host{all:initial!important;display:block!important}div{display:block;position:fixed;inset:auto;margin:0;box-sizing:border-box;width:min(320px,calc(100vw - 16px));padding:14px 16px;" +
    "font:15px/1.45 system-ui,sans-serif;color:#1c2430;background:#fff;border:1px solid #c9d1da;border-radius:10px;" +
    "box-shadow:0 8px 24px #10182838}p{margin:0 28px 12px 0}button{font:inherit;cursor:pointer;border:0;border-radius:6px}" +
    ".r{padding:6px 14px;background:#1a5fb4;color:#fff}.x{position:absolute;top:6px;right:6px;width:32px;height:32px;" +
    "background:none;color:#5a6472;font-size:22px}button:focus-visible{outline:2px solid #1a5fb4;outline-offset:2px}";

  const element = (value) => typeof value === "string" ? document.querySelector(value) : value;
  // Elements matching `selector` in `root` and `root` itself if it does (a root may be a text node).
  const within = (root, selector) => [...(root.matches?.(selector) ? [root] : []), ...(root.querySelectorAll?.(selector) || [])];
  const create = (tag) => document.createElement(tag);
  const attr = (el, name, value = "") => el.setAttribute(name, value);
  const noop = () => {};
  // The code an element names: [code, system or undefined].
  const codeAt = (el) => [el.getAttribute("data-code") || "", el.getAttribute("data-code-system") || undefined];
  // A flag given as an attribute (present, "", or anything but "false") or as a boolean.
  const yes = (v) => v != null && v !== false && v !== "false";

  class Instance {
    constructor(o) {
      const self = this;
      self.endpoint_ = new URL(o.endpoint || "/", script.src).href.replace(/\/+$/, "");
      self.selector_ = o.selector || "[data-code]";
      self.root_ = element(o.root) || document;
      self.words_ = WORDS[/^es/i.test(o.lang || navigator.language) ? "es" : "en"];
      const timeout = parseInt(o.timeout, 10);
      self.options_ = {
        endpoint: self.endpoint_,
        stylesUrl: files + "codecard.css",
        // (styles: the CSS text, set once loaded.) Absent and empty settings are the module's
        // defaults.
        timeoutMs: timeout > 0 ? timeout : 8000,
        siteKey: o.siteKey,
        theme: o.theme,
        lang: o.lang,
        ask: yes(o.ask),
        askUrl: o.askUrl || null,
      };
      self.headers_ = o.siteKey ? { "X-Codecard-Key": o.siteKey } : {};
      // data-autodetect alone (or "all", or true) means every system; a list picks some.
      const auto = o.autodetect;
      self.systems_ = !yes(auto) ? []
        : auto === true || auto === "" || auto === "all" ? Object.keys(SHAPES)
        : String(auto).split(/[\s,]+/).filter((s) => SHAPES[s]);
      self.added_ = new WeakMap(); // element -> the attributes this instance added to it
      self.listeners_ = [];
      self.queue_ = [];
      self.boxes_ = []; // [element, mounted search box]
      self.parts_ = new Map(); // a text node of the page's that held codes -> the nodes we added after it

      const codeOf = (event) => {
        const el = event.target?.closest?.(self.selector_);
        return el && self.added_.has(el) ? el : null;
      };
      self.on_("click", (event) => {
        const el = codeOf(event);
        if (!el || event.button || event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        self.openElement_(el);
      });
      self.on_("keydown", (event) => {
        const el = codeOf(event), key = event.key;
        if (!el || (key !== "Enter" && key !== " ")) return;
        if (/^(BUTTON|A)$/.test(el.tagName) && key === "Enter") return; // its click follows
        event.preventDefault();
        self.openElement_(el);
      });
      // Pointing at a code (a mouse, a pen, a finger: pointer events cover touch), pressing it or
      // focusing it loads the module and, once it is there, fetches that card's public part.
      const warm = (event) => {
        const el = codeOf(event);
        if (el) self.load_().then((w) => w.peek(el, event), noop);
      };
      self.on_("pointerover", warm);
      self.on_("pointerdown", warm);
      self.on_("focusin", warm);

      if (o.affordance !== "none") self.affordance_();
      self.observer_ = new MutationObserver((records) => self.mutated_(records));
      // Text changed in place (a framework updating its own text node) is scanned again too, and
      // so is an element given a code (or another code) later.
      self.observer_.observe(self.top_(),
        { childList: true, subtree: true, characterData: self.systems_.length > 0, attributeFilter: ["data-code"] });
      self.scan(self.root_);
      self.searchBoxes_();
      self.idle_();
    }

    // The element the instance watches: its root, or the whole document.
    top_() {
      return this.root_ === document ? document.documentElement : this.root_;
    }

    // (No listener here touches scrolling, so none needs to be passive.)
    on_(type, fn) {
      this.root_.addEventListener(type, fn);
      this.listeners_.push([type, fn]);
    }

    // Loads the card module when the browser is idle, if there are codes by then (auto-detected
    // codes call this again once marked).
    idle_() {
      (window.requestIdleCallback || ((fn) => setTimeout(fn, 2000)))(() => {
        if (this.root_.querySelector(this.selector_)) this.load_().catch(noop);
      });
    }

    load_() {
      if (!this.widget_) {
        this.widget_ = loadModule().then(([m, css]) => {
          if (this.dead_) throw Error("destroyed");
          this.options_.styles = css;
          // The root: the card module peeks at the codes in view there.
          return (this.w_ = m.mount(JSON.stringify(this.options_), this.root_));
        });
        this.widget_.catch(() => { this.widget_ = null; });
      }
      return this.widget_;
    }

    // Codes become keyboard-reachable buttons that announce the dialog they open; elements the
    // page made interactive itself keep their own role and tab order.
    enhance_(el) {
      if (this.added_.has(el)) return;
      const added = [];
      const set = (name, value) => {
        if (!el.hasAttribute(name)) { attr(el, name, value); added.push(name); }
      };
      set("data-codecard-ready");
      if (!/^(BUTTON|A)$/.test(el.tagName)) { set("role", "button"); set("tabindex", "0"); }
      set("aria-haspopup", "dialog");
      set("aria-expanded", "false");
      this.added_.set(el, added);
    }

    // Marks the codes in `root` in slices: a page with thousands of codes gets them all, without
    // a long task (the first slice runs at once, so a usual page is ready immediately).
    scan(root) {
      root = element(root) || this.root_;
      const found = within(root, this.selector_);
      let i = 0;
      const slice = () => {
        const start = now();
        while (i < found.length && now() - start < SLICE_MS) this.enhance_(found[i++]);
        if (i < found.length) later(slice);
      };
      slice();
      if (this.systems_.length) this.detect_(root);
      // Every <input data-codecard-picker> in the root becomes a code picker (see picker());
      // the module refuses any other element by name.
      within(root, "[data-codecard-picker]").forEach((input) => this.picker(input));
    }

    // CodeCard.picker(input, {system, multiple, billable, limit}): the input becomes a search
    // combobox that picks codes into its value; options default to the input's data- attributes.
    picker(input, o = {}) {
      input = element(input);
      if (!input || input.hasAttribute("data-codecard-picker-ready")) return Promise.resolve();
      attr(input, "data-codecard-picker-ready");
      // (The module reads the options, and the input's data- attributes for those not given.)
      return Promise.all([this.load_(), loadSearch()]).then(([card, box]) => {
        this.boxes_.push([input, box.mount_picker(JSON.stringify(this.options_), card, input, o)]);
      }).catch((error) => {
        input.removeAttribute("data-codecard-picker-ready");
        warn("code picker not started:", error);
      });
    }

    // Every <div data-codecard-search> in the root becomes a code search box whose results open
    // this instance's card.
    searchBoxes_() {
      const boxes = this.root_.querySelectorAll("[data-codecard-search]:not([data-codecard-search-ready])");
      if (!boxes.length) return;
      Promise.all([this.load_(), loadSearch()]).then(([card, box]) => {
        for (const el of boxes) {
          if (el.hasAttribute("data-codecard-search-ready")) continue;
          attr(el, "data-codecard-search-ready");
          try {
            this.boxes_.push([el, box.mount_search(JSON.stringify(this.options_), el, card)]);
          } catch (error) {
            warn("search box failed:", error);
          }
        }
      }, noop /* reported by load(); the box's own content stays */);
    }

    openElement_(el) {
      return this.show_(el, ...codeAt(el));
    }

    // Opens the card, or, when the card module cannot be loaded, the fallback card. Before the
    // module is there, the card's public part (an unmetered peek) is fetched while it loads.
    show_(el, code, system) {
      // The card's public part, and those of the codes drawn in view, in one request while the
      // module loads, so that the click after this card shows its card at once too ("system/code"
      // or "code", as the module's own batches write them; `open`: the first was opened). (An
      // error's JSON is no card: the module ignores it. URLSearchParams, as encodeURIComponent
      // would throw on a page's code holding a lone surrogate.)
      let peek;
      if (!this.w_) {
        peek = [[code, system], ...within(this.root_, "[data-codecard-ready]").filter((e) => {
          const r = e.getBoundingClientRect();
          return e !== el && r.bottom > 0 && r.top < innerHeight;
        }).map(codeAt)].slice(0, 32).map(([c, s]) => (s ? s + "/" : "") + c);
        peek.unshift(fetch(this.endpoint_ + "/v1/peek?open&" + new URLSearchParams({ codes: peek }), { headers: this.headers_ }).then((r) => r.json()).catch(noop));
      }
      this.current_ = el;
      this.origin_ = document.activeElement; // where focus goes if the page removes the code
      return this.load_().then((w) => {
        this.unfallback_(false);
        this.solo_();
        w.open(el, code, system, peek);
      }, () => {
        if (this.dead_) return;
        this.solo_();
        this.fallback_(el, code, system);
      });
    }

    // One card at a time on the page, whichever instance (or loader copy) opened it.
    solo_() {
      api.instances.forEach((i) => { if (i !== this) i.close(); });
    }

    // A small non-modal dialog of the loader's own (the card module is what failed), styled by a
    // constructed sheet in its own shadow root: the service cannot be reached, "Try again".
    // Keyboard use is the card's: focus moves in, Esc and Tab past its last button close it.
    fallback_(el, code, system) {
      const self = this, w = self.words_;
      self.unfallback_(false);
      const host = create("div"), root = host.attachShadow({ mode: "open" });
      attr(host, "data-codecard-host");
      if (root.adoptedStyleSheets) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(FALLBACK_CSS);
        root.adoptedStyleSheets = [sheet];
      }
      const box = create("div"), text = create("p"), retry = create("button"), close = create("button");
      box.dir = "ltr";
      attr(box, "role", "dialog");
      attr(box, "aria-label", code);
      attr(box, "popover", "manual");
      text.textContent = w[blocked ? 3 : 0];
      retry.hidden = blocked; // trying again cannot help until the page's policy changes
      retry.className = "r";
      retry.textContent = w[1];
      close.className = "x";
      close.textContent = "×";
      attr(close, "aria-label", w[2]);
      box.append(text, retry, close);
      root.append(box);
      // In an open <dialog>, as the card is: outside a modal one it would be inert.
      (el.closest("dialog[open]") || document.body).append(host);
      box.showPopover?.();
      // Kept next to the code as the page scrolls; closed when the code is no longer rendered.
      const place = () => {
        if (!el.getClientRects().length) return self.unfallback_(false);
        const r = el.getBoundingClientRect(), h = box.offsetHeight;
        // Below the code, or above it when there is no room below: never over it.
        box.style.top = (r.bottom + h + 16 > innerHeight ? Math.max(8, r.top - h - 8) : r.bottom + 8) + "px";
        box.style.left = Math.max(8, Math.min(r.left, innerWidth - box.offsetWidth - 8)) + "px";
      };
      place();
      const first = blocked ? close : retry;
      first.focus();
      retry.onclick = () => { self.unfallback_(false); self.show_(el, code, system); };
      close.onclick = () => self.unfallback_(true);
      box.onkeydown = (e) => {
        if (e.key === "Escape") { e.preventDefault(); self.unfallback_(true); }
        // Tab past the last button goes on after the code; Shift+Tab before the first, to it.
        else if (e.key === "Tab" && root.activeElement === (e.shiftKey ? first : close)) {
          if (e.shiftKey) e.preventDefault();
          self.unfallback_(true);
        }
      };
      const outside = (e) => { if (!e.composedPath().includes(host)) self.unfallback_(false); };
      document.addEventListener("pointerdown", outside, true);
      document.addEventListener("scroll", place, true);
      addEventListener("resize", place);
      attr(el, "aria-expanded", "true");
      self.down_ = [host, el, outside, place];
    }

    unfallback_(focus) {
      const down = this.down_;
      if (!down) return;
      this.down_ = null;
      document.removeEventListener("pointerdown", down[2], true);
      document.removeEventListener("scroll", down[3], true);
      removeEventListener("resize", down[3]);
      down[0].remove();
      attr(down[1], "aria-expanded", "false");
      if (focus) down[1].focus({ preventScroll: true });
    }

    // CodeCard.open("E11.9", {anchor, system}): without an anchor, the card opens near the top
    // of the viewport.
    open(code, opts = {}) {
      let anchor = element(opts.anchor);
      if (!anchor) {
        anchor = this.spot_ || (this.spot_ = create("span"));
        attr(anchor, "data-codecard-spot");
        Object.assign(anchor.style, { position: "fixed", top: "24px", left: "50%" });
        // In an open <dialog> if there is one: outside a modal one, the card would be inert.
        (document.querySelector("dialog[open]") || document.body).append(anchor);
      }
      return this.show_(anchor, String(code), opts.system || undefined);
    }

    close() {
      if (this.w_?.isOpen) this.w_.close();
      this.unfallback_(false);
    }

    mutated_(records) {
      const self = this, el = self.current_, open = () => self.w_?.isOpen;
      let home = el?.parentNode;
      records.forEach((r) => {
        // A text node of the page's that we split: the page changed its text (our pieces go, its
        // new text is scanned), moved it (it gets its whole text back first) or removed it.
        // A code changed under its open card: the card shows the new one.
        const t = r.target;
        if (r.attributeName) {
          self.scan(t);
          if (t === el && open()) self.openElement_(el);
        }
        if (t.nodeType === 3) { // characterData
          if (self.parts_.has(t)) self.unsplit_(t);
          if (t.parentNode) self.detect_(t.parentNode);
        }
        r.removedNodes.forEach((node) => { if (self.parts_.has(node)) self.unsplit_(node); });
        r.addedNodes.forEach((node) => {
          if (node.nodeType === 1 && !node.hasAttribute("data-codecard-auto") && !node.hasAttribute("data-codecard-host")) {
            self.scan(node);
          } else if (node.nodeType === 3 && self.systems_.length && node.parentNode) {
            if (self.parts_.has(node)) self.unsplit_(node, true);
            self.detect_(node.parentNode);
          }
        });
      });
      if (el && !el.isConnected && (open() || self.down_)) {
        records.forEach((r) => {
          r.removedNodes.forEach((node) => { if (node.contains(el)) home = r.target; });
        });
        self.lost_(home);
      }
      self.observer_.takeRecords(); // our own changes are not new content
    }

    // The page removed the code whose card is open: the card closes. Focus that was in the card
    // (or fell to <body>) goes back where it came from if that is still there, else to the
    // nearest focusable container of the removed code; focus the page moved itself stays.
    // `home` is where the code was (the element it was removed from).
    lost_(home) {
      const body = document.body, active = document.activeElement;
      const ours = !active || active === body || active.hasAttribute("data-codecard-host");
      let next = this.origin_;
      this.close();
      if (!ours) return;
      if (!next?.isConnected || next === body) {
        next = home;
        while (next && next.nodeType === 1 && next !== body && !(next.tabIndex >= 0 || next.hasAttribute("tabindex"))) {
          next = next.parentNode;
        }
      }
      if (next && next !== body && next.focus) next.focus({ preventScroll: true });
    }

    // Takes our nodes out from after `node`; with `whole`, gives it back the text they held.
    unsplit_(node, whole) {
      const pieces = this.parts_.get(node);
      this.parts_.delete(node);
      if (whole) node.nodeValue += pieces.map((p) => p.textContent).join("");
      pieces.forEach((p) => p.remove());
    }

    // Auto-detection: collect candidates from text nodes in slices, confirm them with the
    // endpoint in one batched call, then mark them, again in slices.
    detect_(root) {
      const self = this;
      self.queue_.push(root);
      if (self.detecting_) return;
      self.detecting_ = true;
      const pattern = new RegExp(`\\b(?:${self.systems_.map((s) => `(${SHAPES[s]})`).join("|")})\\b`, "g");
      let found = []; // [text node, [[start, end, code, system]...], its text]
      let walker = null;
      const accept = (node) => {
        const parent = node.parentElement;
        return parent && !parent.closest(SKIP) ? 1 : 2; // NodeFilter.FILTER_ACCEPT, FILTER_REJECT
      };
      const collect = () => {
        const start = now();
        while (now() - start < SLICE_MS) {
          if (!walker) {
            const next = self.queue_.shift();
            if (!next) return confirm();
            if (!next.isConnected) continue;
            walker = document.createTreeWalker(next, 4 /* NodeFilter.SHOW_TEXT */, { acceptNode: accept });
          }
          const node = walker.nextNode();
          if (!node) { walker = null; continue; }
          const text = node.nodeValue, hits = [];
          for (const m of text.matchAll(pattern)) {
            let k = 1;
            while (k < m.length && !m[k]) k++;
            hits.push([m.index, m.index + m[0].length, m[0], self.systems_[k - 1]]);
          }
          if (hits.length) found.push([node, hits, text]);
        }
        later(collect);
      };
      const key = (h) => h[3] + ":" + h[2];
      const confirm = () => {
        const unique = {}, list = [], batches = [];
        found.forEach((f) => f[1].forEach((h) => {
          if (!(key(h) in unique)) { unique[key(h)] = list.length; list.push({ code: h[2], system: h[3] }); }
        }));
        if (!list.length) return done();
        for (let i = 0; i < list.length; i += 1000) batches.push(list.slice(i, i + 1000));
        const headers = { ...self.headers_, "Content-Type": "application/json" };
        Promise.all(batches.map((codes) =>
          fetch(self.endpoint_ + "/v1/codes/exists", { method: "POST", headers, body: JSON.stringify({ codes }) })
            .then((r) => r.ok ? r.json() : {})
        )).then((answers) => {
          const known = answers.flatMap((a) => a.known || []);
          found = found.map((f) => [f[0], f[1].filter((h) => known[unique[key(h)]] === true), f[2]])
            .filter((f) => f[1].length);
          mark();
        }, (error) => {
          warn("code detection failed:", error);
          done();
        });
      };
      // The page's text node stays where it is, holding the text before the first code (scripts and
      // frameworks such as React keep references to their text nodes, to set their nodeValue or
      // remove them later); the codes and the text after them are new nodes inserted after it.
      const mark = () => {
        const start = now();
        while (!self.dead_ && found.length && now() - start < SLICE_MS) {
          const [node, hits, text] = found.shift();
          if (!node.isConnected || node.nodeValue !== text || self.parts_.has(node)) continue;
          const pieces = document.createDocumentFragment();
          let at = hits[0][0];
          hits.forEach((h) => {
            if (h[0] > at) pieces.append(text.slice(at, h[0]));
            const span = create("span");
            attr(span, "data-code", h[2]);
            attr(span, "data-code-system", h[3]);
            attr(span, "data-codecard-auto");
            span.textContent = h[2];
            pieces.append(span);
            self.enhance_(span);
            at = h[1];
          });
          if (at < text.length) pieces.append(text.slice(at));
          self.parts_.set(node, [...pieces.childNodes]);
          node.nodeValue = text.slice(0, hits[0][0]);
          node.after(pieces);
        }
        self.observer_.takeRecords(); // our own changes are not new content
        if (found.length) later(mark); else { self.idle_(); done(); }
      };
      const done = () => {
        self.detecting_ = false;
        if (self.queue_.length) self.detect_(self.queue_.shift());
        else self.top_().dispatchEvent(new CustomEvent("codecard:scanned", { bubbles: true, composed: true }));
      };
      later(collect);
    }

    // The one style added to the host page: a dotted underline and a focus ring on codes, as a
    // constructed stylesheet (no inline styles, so no 'unsafe-inline' under a CSP).
    affordance_() {
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(
          "[data-codecard-ready]{cursor:pointer;text-decoration:underline dotted;text-underline-offset:.2em}" +
          "[data-codecard-ready]:focus-visible{outline:2px solid #1a5fb4;outline-offset:2px}"
        );
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
        this.sheet_ = sheet;
      } catch (e) { /* no constructed stylesheets here: codes still work, unstyled */ }
    }

    // Removes everything this instance added to the page.
    destroy() {
      const self = this;
      self.observer_.disconnect();
      self.listeners_.forEach((l) => self.root_.removeEventListener(...l));
      self.listeners_ = [];
      // At once, not when a pending load settles: the card and its code's state go now, and a
      // module still loading (or asked for later) never mounts (see load).
      self.dead_ = true;
      self.w_?.destroy();
      self.w_ = self.widget_ = null;
      self.parts_.forEach((pieces, node) => self.unsplit_(node, true));
      self.root_.querySelectorAll("[data-codecard-ready]").forEach((el) => {
        self.added_.get(el)?.forEach((name) => el.removeAttribute(name));
        self.added_.delete(el);
      });
      self.boxes_.forEach(([el, box]) => {
        box.destroy();
        el.removeAttribute("data-codecard-search-ready");
        el.removeAttribute("data-codecard-picker-ready");
      });
      self.boxes_ = [];
      self.spot_?.remove();
      self.unfallback_(false);
      if (self.sheet_) document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== self.sheet_);
      api.instances.splice(api.instances.indexOf(self), 1);
    }
  }

  // <code-card code="E11.9" system="icd10cm"></code-card>: a code for frameworks and plain HTML;
  // it mirrors its attributes onto data-code and data-code-system, which every instance reads.
  if (window.customElements && !customElements.get("code-card")) {
    customElements.define("code-card", class extends HTMLElement {
      static observedAttributes = ["code", "system"];
      connectedCallback() {
        this.sync();
        if (!this.textContent.trim()) this.textContent = this.getAttribute("code") || "";
      }
      // A new code: the text we wrote (or the page's, when it was the old code) follows, in place
      // (a framework may own that text node); a card open on it follows data-code (see mutated).
      attributeChangedCallback(name, old, value) {
        this.sync();
        const t = this.firstChild;
        if (name !== "code" || old == null || old === value) return;
        if (!t) this.textContent = value || "";
        else if (t === this.lastChild && t.nodeType === 3 && t.nodeValue === old) t.nodeValue = value || "";
      }
      sync() {
        const code = this.getAttribute("code"), system = this.getAttribute("system");
        if (code) attr(this, "data-code", code);
        if (system) attr(this, "data-code-system", system);
        else this.removeAttribute("data-code-system");
      }
    });
  }

  // The page-wide API: the first instance answers CodeCard.open/close/scan/destroy.
  // Another copy of the loader shares its API (and its one-card-at-a-time list); a CodeCard of
  // the page's own is left alone, and this copy's API then lives here only.
  let api = window.CodeCard;
  if (!api?.instances) {
    if (api) warn("window.CodeCard is the page's own", api);
    const ours = {
      version: BUILD,
      instances: [],
      open: (code, opts) => api.instances[0]?.open(code, opts),
      close: () => api.instances[0]?.close(),
      scan: (root) => api.instances.forEach((i) => i.scan(root)),
      destroy: () => api.instances.slice().forEach((i) => i.destroy()),
      picker: (input, opts) => api.instances[0]?.picker(input, opts),
    };
    if (!api) window.CodeCard = ours; // not "use strict": a read-only window.CodeCard stays as it is, quietly
    api = ours;
  }
  api.create ||= (options) => {
    const instance = new Instance(options || {});
    api.instances.push(instance);
    return instance;
  };

  // The script tag's data- attributes are the first instance's options (data-site-key: siteKey).
  const start = () => {
    try {
      api.create({ ...script.dataset });
    } catch (error) {
      // A mistyped attribute (say, an invalid data-root selector) disables codecard, not the page.
      warn("not started:", error);
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
