/*! codecard embed script. Makes the medical codes on a page open lookup cards.
 *
 * <script src="https://codes.example.org/widget/loader.js" data-endpoint="https://codes.example.org" async></script>
 *
 * Each script tag is one instance, configured by its data- attributes; CodeCard.create({...})
 * makes more. An instance marks its codes as buttons and, on the first hover, focus or touch of a
 * code (or when the browser is idle), loads the card module and its stylesheet from the loader's
 * directory. Nothing here throws into the page: failures go to the console and, after a click or
 * Enter on a code, to a small card of the loader's own that offers "Try again". */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || script.hasAttribute("data-codecard-started")) return;
  script.setAttribute("data-codecard-started", "");

  var BUILD = "__CODECARD_BUILD__";
  var files = new URL(BUILD + "/", script.src).href;
  var module = null; // Promise of [the initialised wasm-bindgen module, the CSS text], shared by instances
  var attempts = 0;
  var blocked = false; // the page's Content-Security-Policy refused to compile the wasm
  var search = null; // Promise of the search box's module, loaded only when a page has a box
  var searchAttempts = 0;

  // The search box is a module of its own, so a page without one never downloads it.
  function loadSearch() {
    if (!search) {
      var retry = searchAttempts++ ? "?retry=" + searchAttempts : "";
      search = import(files + "codecard_search.js" + retry).then(function (m) {
        return m.default({ module_or_path: files + "codecard_search_bg.wasm" }).then(function () { return m; });
      });
      search.catch(function (error) {
        search = null;
        console.warn("codecard: the search box could not be loaded:", error);
      });
    }
    return search;
  }

  // The card's CSS travels over connect-src (fetch) and is adopted as a constructed stylesheet,
  // so a page whose style-src admits only itself still gets a styled card.
  function loadModule() {
    if (!module) {
      // A failed import() stays failed for its URL in this document: a retry asks a new one.
      var retry = attempts++ ? "?retry=" + attempts : "";
      module = Promise.all([
        import(files + "codecard.js" + retry).then(function (m) {
          return m.default({ module_or_path: files + "codecard_bg.wasm" }).then(function () { return m; });
        }),
        fetch(files + "codecard.css").then(function (r) {
          if (!r.ok) throw new Error("codecard.css: HTTP " + r.status);
          return r.text();
        }),
      ]);
      module.catch(function (error) {
        module = null; // a later interaction tries again
        // Said to the site owner in the console, and to the reader by the fallback card.
        blocked = /Content.Security.Policy/i.test(error && error.message);
        console.warn(blocked ? "codecard: add 'wasm-unsafe-eval' to the page's CSP script-src"
          : "codecard: card not loaded:", error);
      });
    }
    return module;
  }

  // Code shapes for auto-detection, exactly as src/code.rs `written_pattern` declares them (its
  // unit test checks this table); the endpoint confirms each candidate exists before it is
  // marked. ICD-10-CM is matched in its written form (dotted past three characters).
  var SHAPES = {
    icd10cm: "[A-Z](?:\\d[0-9A-Z]|[A-Z]\\d)(?:\\.[0-9A-Z]{1,4})?",
    icd10pcs: "(?=[0-9A-HJ-NP-Z]*\\d)[0-9BCDFGHX][0-9A-HJ-NP-Z]{6}",
    cpt: "\\d{4}[0-9FTU]",
    hcpcs: "[A-V]\\d{4}",
  };
  // Where codes are never detected: form fields, editable text, code samples, links, our own.
  var SKIP = "input,textarea,select,option,script,style,noscript,template,pre,code,a,button,iframe,svg," +
    "[contenteditable]:not([contenteditable=false]),[data-code],[data-codecard-ignore],[data-codecard-host],code-card";
  var SLICE_MS = 8; // work per task before yielding, well under the 50 ms long-task line

  function later(fn) {
    return window.scheduler && scheduler.postTask ? scheduler.postTask(fn) : setTimeout(fn, 0);
  }

  // The loader's own words: what its fallback card says when the card module cannot be loaded.
  var WORDS = {
    en: ["The code lookup service cannot be reached right now.", "Try again", "Close", "This page's security policy blocks the code lookup."],
    es: ["No se puede acceder al servicio de códigos en este momento.", "Reintentar", "Cerrar", "La política de seguridad de esta página bloquea la consulta de códigos."],
  };
  // Isolated from the page like the card: the host's properties are reset, direction included (by dir).
  var FALLBACK_CSS =
    ":host{all:initial!important;display:block!important}div{display:block;position:fixed;inset:auto;margin:0;box-sizing:border-box;width:min(320px,calc(100vw - 16px));padding:14px 16px;" +
    "font:15px/1.45 system-ui,sans-serif;color:#1c2430;background:#fff;border:1px solid #c9d1da;border-radius:10px;" +
    "box-shadow:0 8px 24px rgba(16,24,40,.22)}p{margin:0 28px 12px 0}button{font:inherit;cursor:pointer;border:0;border-radius:6px}" +
    ".r{padding:6px 14px;background:#1a5fb4;color:#fff}.x{position:absolute;top:6px;right:6px;width:32px;height:32px;" +
    "background:none;color:#5a6472;font-size:22px}button:focus-visible{outline:2px solid #1a5fb4;outline-offset:2px}";

  function element(value) {
    return typeof value === "string" ? document.querySelector(value) : value;
  }

  function Instance(o) {
    var self = this;
    self.endpoint = new URL(o.endpoint || "/", script.src).href.replace(/\/+$/, "");
    self.selector = o.selector || "[data-code]";
    self.root = element(o.root) || document;
    self.words = WORDS[/^es/i.test(o.lang || navigator.language) ? "es" : "en"];
    self.options = {
      endpoint: self.endpoint,
      stylesUrl: files + "codecard.css",
      styles: "",
      timeoutMs: parseInt(o.timeout, 10) > 0 ? parseInt(o.timeout, 10) : 8000,
      siteKey: o.siteKey || null,
      theme: o.theme || null,
      lang: o.lang || null,
      ask: o.ask != null && o.ask !== false && o.ask !== "false",
      askUrl: o.askUrl || null,
    };
    // data-autodetect alone (or "all", or true) means every system; a list picks some.
    var auto = o.autodetect;
    self.systems = auto == null || auto === false || auto === "false" ? []
      : auto === true || auto === "" || auto === "all" ? Object.keys(SHAPES)
      : String(auto).split(/[\s,]+/).filter(function (s) { return SHAPES[s]; });
    self.widget = null;
    self.added = new WeakMap(); // element -> the attributes this instance added to it
    self.listeners = [];
    self.queue = [];
    self.sheet = null;
    self.boxes = []; // [element, mounted search box]
    self.parts = new Map(); // a text node of the page's that held codes -> the nodes we added after it

    function codeOf(event) {
      var t = event.target;
      var el = t && t.closest ? t.closest(self.selector) : null;
      return el && self.added.has(el) ? el : null;
    }
    self.on("click", function (event) {
      var el = codeOf(event);
      if (!el || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      self.openElement(el);
    });
    self.on("keydown", function (event) {
      var el = codeOf(event);
      if (!el || (event.key !== "Enter" && event.key !== " ")) return;
      if (/^(BUTTON|A)$/.test(el.tagName) && event.key === "Enter") return; // its click follows
      event.preventDefault();
      self.openElement(el);
    });
    function warm(event) { if (codeOf(event)) self.load().catch(function () {}); }
    self.on("pointerover", warm);
    self.on("focusin", warm);
    self.on("touchstart", warm);

    if (o.affordance !== "none") self.affordance();
    self.observer = new MutationObserver(function (records) { self.mutated(records); });
    // Text changed in place (a framework updating its own text node) is scanned again too, and
    // so is an element given a code (or another code) later.
    self.observer.observe(self.root === document ? document.documentElement : self.root,
      { childList: true, subtree: true, characterData: self.systems.length > 0, attributeFilter: ["data-code"] });
    self.scan(self.root);
    self.searchBoxes();
    self.idle();
  }

  Instance.prototype = {
    on: function (type, fn) {
      var options = type === "click" || type === "keydown" ? false : { passive: true };
      this.root.addEventListener(type, fn, options);
      this.listeners.push([type, fn, options]);
    },

    // Loads the card module when the browser is idle, if there are codes by then (auto-detected
    // codes call this again once marked).
    idle: function () {
      var self = this, idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 2000); };
      idle(function () { if (self.root.querySelector(self.selector)) self.load().catch(function () {}); });
    },

    load: function () {
      var self = this;
      if (!self.widget) {
        self.widget = loadModule().then(function (loaded) {
          if (self.dead) throw new Error("destroyed");
          self.options.styles = loaded[1];
          return (self.w = loaded[0].mount(JSON.stringify(self.options)));
        });
        self.widget.catch(function () { self.widget = null; });
      }
      return self.widget;
    },

    // Codes become keyboard-reachable buttons that announce the dialog they open; elements the
    // page made interactive itself keep their own role and tab order.
    enhance: function (el) {
      if (this.added.has(el)) return;
      var added = [];
      function set(name, value) {
        if (!el.hasAttribute(name)) { el.setAttribute(name, value); added.push(name); }
      }
      var native = /^(BUTTON|A)$/.test(el.tagName);
      set("data-codecard-ready", "");
      if (!native) { set("role", "button"); set("tabindex", "0"); }
      set("aria-haspopup", "dialog");
      set("aria-expanded", "false");
      this.added.set(el, added);
    },

    // Marks the codes in `root` in slices: a page with thousands of codes gets them all, without
    // a long task (the first slice runs at once, so a usual page is ready immediately).
    scan: function (root) {
      var self = this;
      root = element(root) || self.root;
      if (root.matches && root.matches(self.selector)) self.enhance(root);
      var found = root.querySelectorAll ? root.querySelectorAll(self.selector) : [], i = 0;
      (function slice() {
        var start = performance.now();
        while (i < found.length && performance.now() - start < SLICE_MS) self.enhance(found[i++]);
        if (i < found.length) later(slice);
      })();
      if (self.systems.length) self.detect(root);
      self.pickers(root);
    },

    // Every <input data-codecard-picker> in the root becomes a code picker (see picker()).
    pickers: function (root) {
      var all = "input[data-codecard-picker]", found = root.querySelectorAll ? root.querySelectorAll(all) : [];
      if (root.matches && root.matches(all)) this.picker(root);
      for (var i = 0; i < found.length; i++) this.picker(found[i]);
    },

    // CodeCard.picker(input, {system, multiple, billable, limit}): the input becomes a search
    // combobox that picks codes into its value; options default to the input's data- attributes.
    picker: function (input, o) {
      var self = this;
      input = element(input);
      if (!input || input.hasAttribute("data-codecard-picker-ready")) return Promise.resolve();
      input.setAttribute("data-codecard-picker-ready", "");
      o = o || {};
      var d = input.dataset, multiple = o.multiple != null ? o.multiple : d.multiple;
      var options = JSON.stringify({
        systems: String(o.systems || o.system || d.codecardPicker || ""),
        multiple: multiple != null && multiple !== false && multiple !== "false",
        billable: String(o.billable != null ? o.billable : d.billable) !== "false",
        limit: parseInt(o.limit || d.limit, 10) || 0,
      });
      return Promise.all([self.load(), loadSearch()]).then(function (loaded) {
        self.boxes.push([input, loaded[1].mount_picker(JSON.stringify(self.options), loaded[0], input, options)]);
      }).catch(function (error) {
        input.removeAttribute("data-codecard-picker-ready");
        console.warn("codecard: a code picker could not start:", error);
      });
    },

    // Every <div data-codecard-search> in the root becomes a code search box whose results open
    // this instance's card.
    searchBoxes: function () {
      var self = this;
      var boxes = self.root.querySelectorAll("[data-codecard-search]:not([data-codecard-search-ready])");
      if (!boxes.length) return;
      Promise.all([self.load(), loadSearch()]).then(function (loaded) {
        for (var i = 0; i < boxes.length; i++) {
          if (boxes[i].hasAttribute("data-codecard-search-ready")) continue;
          boxes[i].setAttribute("data-codecard-search-ready", "");
          try {
            self.boxes.push([boxes[i], loaded[1].mount_search(JSON.stringify(self.options), boxes[i], loaded[0])]);
          } catch (error) {
            console.warn("codecard: search box failed:", error);
          }
        }
      }, function () { /* reported by load(); the box's own content stays */ });
    },

    openElement: function (el) {
      return this.show(el, el.getAttribute("data-code") || "", el.getAttribute("data-code-system") || undefined);
    },

    // Opens the card, or, when the card module cannot be loaded, the fallback card.
    show: function (el, code, system) {
      var self = this;
      self.current = el;
      self.origin = document.activeElement; // where focus goes if the page removes the code
      return self.load().then(function (w) {
        self.unfallback(false);
        self.solo();
        w.open(el, code, system);
      }, function () {
        if (self.dead) return;
        self.solo();
        self.fallback(el, code, system);
      });
    },

    // One card at a time on the page, whichever instance (or loader copy) opened it.
    solo: function () {
      var self = this;
      window.CodeCard.instances.forEach(function (i) { if (i !== self) i.close(); });
    },

    // A small non-modal dialog of the loader's own (the card module is what failed), styled by a
    // constructed sheet in its own shadow root: the service cannot be reached, "Try again".
    // Keyboard use is the card's: focus moves in, Esc and Tab past its last button close it.
    fallback: function (el, code, system) {
      var self = this, w = self.words;
      self.unfallback(false);
      var host = document.createElement("div"), root = host.attachShadow({ mode: "open" });
      host.setAttribute("data-codecard-host", "");
      if (root.adoptedStyleSheets) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(FALLBACK_CSS);
        root.adoptedStyleSheets = [sheet];
      }
      var box = document.createElement("div"), text = document.createElement("p");
      var retry = document.createElement("button"), close = document.createElement("button");
      box.dir = "ltr";
      box.setAttribute("role", "dialog");
      box.setAttribute("aria-label", code);
      box.setAttribute("popover", "manual");
      text.textContent = w[blocked ? 3 : 0];
      retry.hidden = blocked; // trying again cannot help until the page's policy changes
      retry.className = "r";
      retry.textContent = w[1];
      close.className = "x";
      close.textContent = "×";
      close.setAttribute("aria-label", w[2]);
      box.append(text, retry, close);
      root.append(box);
      document.body.append(host);
      if (box.showPopover) box.showPopover();
      // Kept next to the code as the page scrolls; closed when the code is no longer rendered.
      function place() {
        if (!el.getClientRects().length) return self.unfallback(false);
        var r = el.getBoundingClientRect(), h = box.offsetHeight;
        // Below the code, or above it when there is no room below: never over it.
        box.style.top = (r.bottom + h + 16 > innerHeight ? Math.max(8, r.top - h - 8) : r.bottom + 8) + "px";
        box.style.left = Math.max(8, Math.min(r.left, innerWidth - box.offsetWidth - 8)) + "px";
      }
      place();
      var first = blocked ? close : retry;
      first.focus();
      retry.onclick = function () { self.unfallback(false); self.show(el, code, system); };
      close.onclick = function () { self.unfallback(true); };
      box.onkeydown = function (e) {
        if (e.key === "Escape") { e.preventDefault(); self.unfallback(true); }
        // Tab past the last button goes on after the code; Shift+Tab before the first, to it.
        else if (e.key === "Tab" && root.activeElement === (e.shiftKey ? first : close)) {
          if (e.shiftKey) e.preventDefault();
          self.unfallback(true);
        }
      };
      function outside(e) { if (e.composedPath().indexOf(host) < 0) self.unfallback(false); }
      document.addEventListener("pointerdown", outside, true);
      document.addEventListener("scroll", place, true);
      addEventListener("resize", place);
      el.setAttribute("aria-expanded", "true");
      self.down = [host, el, outside, place];
    },

    unfallback: function (focus) {
      var down = this.down;
      if (!down) return;
      this.down = null;
      document.removeEventListener("pointerdown", down[2], true);
      document.removeEventListener("scroll", down[3], true);
      removeEventListener("resize", down[3]);
      down[0].remove();
      down[1].setAttribute("aria-expanded", "false");
      if (focus) down[1].focus({ preventScroll: true });
    },

    // CodeCard.open("E11.9", {anchor, system}): without an anchor, the card opens near the top
    // of the viewport.
    open: function (code, opts) {
      var self = this;
      opts = opts || {};
      var anchor = element(opts.anchor);
      if (!anchor) {
        anchor = self.spot || (self.spot = document.createElement("span"));
        anchor.setAttribute("data-codecard-spot", "");
        anchor.style.position = "fixed";
        anchor.style.top = "24px";
        anchor.style.left = "50%";
        if (!anchor.isConnected) document.body.appendChild(anchor);
      }
      return self.show(anchor, String(code), opts.system || undefined);
    },

    close: function () {
      if (this.w && this.w.isOpen) this.w.close();
      this.unfallback(false);
    },

    mutated: function (records) {
      var self = this, el = self.current, home = el && el.parentNode;
      records.forEach(function (r) {
        // A text node of the page's that we split: the page changed its text (our pieces go, its
        // new text is scanned), moved it (it gets its whole text back first) or removed it.
        // A code changed under its open card: the card shows the new one.
        if (r.attributeName) {
          self.scan(r.target);
          if (r.target === el && self.w && self.w.isOpen) self.openElement(el);
        }
        if (r.target.nodeType === 3) { // characterData
          if (self.parts.has(r.target)) self.unsplit(r.target);
          if (r.target.parentNode) self.detect(r.target.parentNode);
        }
        r.removedNodes.forEach(function (node) { if (self.parts.has(node)) self.unsplit(node); });
        r.addedNodes.forEach(function (node) {
          if (node.nodeType === 1 && !node.hasAttribute("data-codecard-auto") && !node.hasAttribute("data-codecard-host")) {
            self.scan(node);
          } else if (node.nodeType === 3 && self.systems.length && node.parentNode) {
            if (self.parts.has(node)) self.unsplit(node, true);
            self.detect(node.parentNode);
          }
        });
      });
      if (el && !el.isConnected && ((self.w && self.w.isOpen) || self.down)) {
        records.forEach(function (r) {
          r.removedNodes.forEach(function (node) { if (node.contains(el)) home = r.target; });
        });
        self.lost(home);
      }
      self.observer.takeRecords(); // our own changes are not new content
    },

    // The page removed the code whose card is open: the card closes. Focus that was in the card
    // (or fell to <body>) goes back where it came from if that is still there, else to the
    // nearest focusable container of the removed code; focus the page moved itself stays.
    // `home` is where the code was (the element it was removed from).
    lost: function (home) {
      var body = document.body, active = document.activeElement, next = this.origin;
      var ours = !active || active === body || active.hasAttribute("data-codecard-host");
      this.close();
      if (!ours) return;
      if (!next || !next.isConnected || next === body) {
        next = home;
        while (next && next.nodeType === 1 && next !== body && !(next.tabIndex >= 0 || next.hasAttribute("tabindex"))) {
          next = next.parentNode;
        }
      }
      if (next && next !== body && next.focus) next.focus({ preventScroll: true });
    },

    // Takes our nodes out from after `node`; with `whole`, gives it back the text they held.
    unsplit: function (node, whole) {
      var pieces = this.parts.get(node);
      this.parts.delete(node);
      if (whole) node.nodeValue += pieces.map(function (p) { return p.textContent; }).join("");
      pieces.forEach(function (p) { p.remove(); });
    },

    // Auto-detection: collect candidates from text nodes in slices, confirm them with the
    // endpoint in one batched call, then mark them, again in slices.
    detect: function (root) {
      var self = this;
      self.queue.push(root);
      if (self.detecting) return;
      self.detecting = true;
      var pattern = new RegExp("\\b(?:" + self.systems.map(function (s) { return "(" + SHAPES[s] + ")"; }).join("|") + ")\\b", "g");
      var found = []; // [text node, [[start, end, code, system]...]]
      var walker = null;
      function accept(node) {
        var parent = node.parentElement;
        return parent && !parent.closest(SKIP) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
      function collect() {
        var start = performance.now();
        while (performance.now() - start < SLICE_MS) {
          if (!walker) {
            var next = self.queue.shift();
            if (!next) return confirm();
            if (!next.isConnected) continue;
            walker = document.createTreeWalker(next, NodeFilter.SHOW_TEXT, { acceptNode: accept });
          }
          var node = walker.nextNode();
          if (!node) { walker = null; continue; }
          var text = node.nodeValue, m, hits = null;
          pattern.lastIndex = 0;
          while ((m = pattern.exec(text))) {
            for (var k = 1; k < m.length && !m[k]; k++);
            (hits = hits || []).push([m.index, m.index + m[0].length, m[0], self.systems[k - 1]]);
          }
          if (hits) found.push([node, hits, text]);
        }
        later(collect);
      }
      function confirm() {
        var unique = {}, list = [];
        found.forEach(function (f) {
          f[1].forEach(function (h) {
            var key = h[3] + ":" + h[2];
            if (!(key in unique)) { unique[key] = list.length; list.push({ code: h[2], system: h[3] }); }
          });
        });
        if (!list.length) return done();
        var batches = [];
        for (var i = 0; i < list.length; i += 1000) batches.push(list.slice(i, i + 1000));
        var headers = { "Content-Type": "application/json" };
        if (self.options.siteKey) headers["X-Codecard-Key"] = self.options.siteKey;
        Promise.all(batches.map(function (codes) {
          return fetch(self.endpoint + "/v1/codes/exists", { method: "POST", headers: headers, body: JSON.stringify({ codes: codes }) })
            .then(function (r) { return r.ok ? r.json() : { known: [] }; });
        })).then(function (answers) {
          var known = [].concat.apply([], answers.map(function (a) { return a.known || []; }));
          found = found.map(function (f) {
            return [f[0], f[1].filter(function (h) { return known[unique[h[3] + ":" + h[2]]] === true; }), f[2]];
          }).filter(function (f) { return f[1].length; });
          mark();
        }, function (error) {
          console.warn("codecard: code detection failed:", error);
          done();
        });
      }
      // The page's text node stays where it is, holding the text before the first code (scripts and
      // frameworks such as React keep references to their text nodes, to set their nodeValue or
      // remove them later); the codes and the text after them are new nodes inserted after it.
      function mark() {
        var start = performance.now();
        while (!self.dead && found.length && performance.now() - start < SLICE_MS) {
          var f = found.shift(), node = f[0], hits = f[1], text = f[2];
          if (!node.isConnected || node.nodeValue !== text || self.parts.has(node)) continue;
          var at = hits[0][0], pieces = document.createDocumentFragment();
          hits.forEach(function (h) {
            if (h[0] > at) pieces.appendChild(document.createTextNode(text.slice(at, h[0])));
            var span = document.createElement("span");
            span.setAttribute("data-code", h[2]);
            span.setAttribute("data-code-system", h[3]);
            span.setAttribute("data-codecard-auto", "");
            span.textContent = h[2];
            pieces.appendChild(span);
            self.enhance(span);
            at = h[1];
          });
          if (at < text.length) pieces.appendChild(document.createTextNode(text.slice(at)));
          self.parts.set(node, [].slice.call(pieces.childNodes));
          node.nodeValue = text.slice(0, hits[0][0]);
          node.after(pieces);
        }
        self.observer.takeRecords(); // our own changes are not new content
        if (found.length) later(mark); else { self.idle(); done(); }
      }
      function done() {
        self.detecting = false;
        if (self.queue.length) self.detect(self.queue.shift());
        else (self.root === document ? document.documentElement : self.root).dispatchEvent(
          new CustomEvent("codecard:scanned", { bubbles: true, composed: true })
        );
      }
      later(collect);
    },

    // The one style added to the host page: a dotted underline and a focus ring on codes, as a
    // constructed stylesheet (no inline styles, so no 'unsafe-inline' under a CSP).
    affordance: function () {
      if (!document.adoptedStyleSheets || typeof CSSStyleSheet !== "function") return;
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(
          "[data-codecard-ready]{cursor:pointer;text-decoration:underline dotted;text-underline-offset:.2em}" +
          "[data-codecard-ready]:focus-visible{outline:2px solid #1a5fb4;outline-offset:2px}"
        );
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat(sheet);
        this.sheet = sheet;
      } catch (e) { /* codes still work, unstyled */ }
    },

    // Removes everything this instance added to the page.
    destroy: function () {
      var self = this;
      self.observer.disconnect();
      self.listeners.forEach(function (l) { self.root.removeEventListener(l[0], l[1], l[2]); });
      self.listeners = [];
      // At once, not when a pending load settles: the card and its code's state go now, and a
      // module still loading (or asked for later) never mounts (see load).
      self.dead = true;
      if (self.w) self.w.destroy();
      self.w = self.widget = null;
      self.parts.forEach(function (pieces, node) { self.unsplit(node, true); });
      var marked = self.root.querySelectorAll("[data-codecard-ready]");
      for (var i = 0; i < marked.length; i++) {
        var el = marked[i], added = self.added.get(el);
        if (!added) continue;
        added.forEach(function (name) { el.removeAttribute(name); });
        self.added.delete(el);
      }
      self.boxes.forEach(function (b) { b[1].destroy(); b[0].removeAttribute("data-codecard-search-ready"); b[0].removeAttribute("data-codecard-picker-ready"); });
      self.boxes = [];
      if (self.spot) self.spot.remove();
      self.unfallback(false);
      if (self.sheet) {
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter(function (s) { return s !== self.sheet; });
      }
      var all = window.CodeCard.instances;
      all.splice(all.indexOf(self), 1);
    },
  };

  // <code-card code="E11.9" system="icd10cm"></code-card>: a code for frameworks and plain HTML;
  // it mirrors its attributes onto data-code and data-code-system, which every instance reads.
  if (window.customElements && !customElements.get("code-card")) {
    customElements.define("code-card", class extends HTMLElement {
      static get observedAttributes() { return ["code", "system"]; }
      connectedCallback() {
        this.sync();
        if (!this.textContent.trim()) this.textContent = this.getAttribute("code") || "";
      }
      // A new code: the text we wrote (or the page's, when it was the old code) follows, in place
      // (a framework may own that text node); a card open on it follows data-code (see mutated).
      attributeChangedCallback(name, old, value) {
        this.sync();
        var t = this.firstChild;
        if (name !== "code" || old == null || old === value) return;
        if (!t) this.textContent = value || "";
        else if (t && t === this.lastChild && t.nodeType === 3 && t.nodeValue === old) t.nodeValue = value || "";
      }
      sync() {
        var code = this.getAttribute("code"), system = this.getAttribute("system");
        if (code) this.setAttribute("data-code", code);
        if (system) this.setAttribute("data-code-system", system);
        else this.removeAttribute("data-code-system");
      }
    });
  }

  // The page-wide API: the first instance answers CodeCard.open/close/scan/destroy.
  var api = window.CodeCard;
  if (!api || !api.instances) {
    api = window.CodeCard = {
      version: BUILD,
      instances: [],
      open: function (code, opts) { return api.instances[0] && api.instances[0].open(code, opts); },
      close: function () { if (api.instances[0]) api.instances[0].close(); },
      scan: function (root) { api.instances.forEach(function (i) { i.scan(root); }); },
      destroy: function () { api.instances.slice().forEach(function (i) { i.destroy(); }); },
      picker: function (input, opts) { return api.instances[0] && api.instances[0].picker(input, opts); },
    };
  }
  api.create = api.create || function (options) {
    var instance = new Instance(options || {});
    api.instances.push(instance);
    return instance;
  };

  function start() {
    var d = script.dataset;
    try {
      api.create({
        endpoint: d.endpoint, timeout: d.timeout, selector: d.selector, root: d.root, affordance: d.affordance,
        siteKey: d.siteKey, theme: d.theme, lang: d.lang, ask: d.ask, askUrl: d.askUrl, autodetect: d.autodetect,
      });
    } catch (error) {
      // A mistyped attribute (say, an invalid data-root selector) disables codecard, not the page.
      console.warn("codecard: not started:", error);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
