/*! codecard embed script. Makes the medical codes on a page open lookup cards.
 *
 * <script src="https://codes.example.org/widget/loader.js" data-endpoint="https://codes.example.org" async></script>
 *
 * Marks every [data-code] element as a button, and on first hover, focus or touch of a code (or
 * when the browser is idle) loads the card module from the same directory. It never throws into
 * the page: every failure is reported on the console and, after a click, in a small notice. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || script.hasAttribute("data-codecard-started")) return;
  script.setAttribute("data-codecard-started", "");

  var BUILD = "__CODECARD_BUILD__";
  var files = new URL(BUILD + "/", script.src).href;
  var data = script.dataset;
  // The endpoint defaults to the script's own origin; a relative data-endpoint is resolved
  // against the script's address, not the page's.
  var endpoint = new URL(data.endpoint || "/", script.src).href.replace(/\/+$/, "");
  var timeout = parseInt(data.timeout, 10) > 0 ? parseInt(data.timeout, 10) : 8000;
  var SELECTOR = data.selector || "[data-code]";

  var widget = null; // Promise of the wasm Widget once loading has started.

  function load() {
    if (!widget) {
      widget = import(files + "codecard.js")
        .then(function (module) {
          return module.default({ module_or_path: files + "codecard_bg.wasm" }).then(function () {
            return module.mount(endpoint, files + "codecard.css", timeout, data.siteKey || undefined);
          });
        })
        .catch(function (error) {
          widget = null; // let a later interaction try again
          console.warn("codecard: the card could not be loaded:", error);
          throw error;
        });
    }
    return widget;
  }

  // Codes become keyboard-reachable buttons that announce the dialog they open. Elements the
  // page made interactive itself keep their own role and tab order.
  function enhance(el) {
    if (el.hasAttribute("data-codecard-ready")) return;
    el.setAttribute("data-codecard-ready", "");
    var native = /^(BUTTON|A)$/.test(el.tagName);
    if (!native && !el.hasAttribute("role")) el.setAttribute("role", "button");
    if (!native && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
    el.setAttribute("aria-haspopup", "dialog");
    el.setAttribute("aria-expanded", "false");
  }

  function scan(root) {
    var found = (root || document).querySelectorAll(SELECTOR);
    for (var i = 0; i < found.length; i++) enhance(found[i]);
  }

  function codeOf(event) {
    var el = event.target && event.target.closest ? event.target.closest(SELECTOR) : null;
    return el && el.hasAttribute("data-codecard-ready") ? el : null;
  }

  // Shown only when a click could not open the card (module or endpoint unreachable): a native
  // title tooltip would be invisible to touch and keyboard users.
  function notice(el, text) {
    el.setAttribute("aria-description", text);
    el.setAttribute("title", text);
  }

  function open(el) {
    load().then(
      function (w) {
        w.open(el, el.getAttribute("data-code") || "", el.getAttribute("data-code-system") || undefined);
      },
      function () {
        notice(el, "Code lookup is unavailable right now. Try again later.");
      }
    );
  }

  document.addEventListener("click", function (event) {
    var el = codeOf(event);
    if (!el || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    open(el);
  });
  document.addEventListener("keydown", function (event) {
    var el = codeOf(event);
    if (!el || (event.key !== "Enter" && event.key !== " ")) return;
    if (/^(BUTTON|A)$/.test(el.tagName) && event.key === "Enter") return; // the click handler runs
    event.preventDefault();
    open(el);
  });
  // Warm up before the click: on intent, or when the browser has nothing else to do.
  function warm(event) {
    if (codeOf(event)) load().catch(function () {});
  }
  document.addEventListener("pointerover", warm, { passive: true });
  document.addEventListener("focusin", warm);
  document.addEventListener("touchstart", warm, { passive: true });

  // The one style we add to the host page: a dotted underline and a pointer on codes, so
  // readers see they can be opened. Opt out with data-affordance="none". A constructed sheet
  // needs no 'unsafe-inline' under a Content-Security-Policy.
  function affordance() {
    if (data.affordance === "none" || !document.adoptedStyleSheets || typeof CSSStyleSheet !== "function") return;
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(
        "[data-codecard-ready]{cursor:pointer;text-decoration:underline dotted;text-underline-offset:.2em}" +
          "[data-codecard-ready]:focus-visible{outline:2px solid #1a5fb4;outline-offset:2px}"
      );
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat(sheet);
    } catch (e) {
      /* an old browser: codes still work, just unstyled */
    }
  }

  /* ---- search boxes (issue #5): every <div data-codecard-search> becomes a code search ---- */
  function searchBoxes() {
    var boxes = document.querySelectorAll("[data-codecard-search]:not([data-codecard-search-ready])");
    if (!boxes.length) return;
    Promise.all([load(), import(files + "codecard.js")]).then(
      function (loaded) {
        for (var i = 0; i < boxes.length; i++) {
          if (boxes[i].hasAttribute("data-codecard-search-ready")) continue;
          boxes[i].setAttribute("data-codecard-search-ready", "");
          try {
            loaded[1].mount_search(loaded[0], boxes[i], endpoint, files + "codecard.css", timeout);
          } catch (error) {
            console.warn("codecard: a search box could not start:", error);
          }
        }
      },
      function () {
        /* load() already reported it; the page's own content of the box stays as it is */
      }
    );
  }
  /* ---- end of search boxes ---- */

  function start() {
    affordance();
    searchBoxes();
    scan(document);
    var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 2000); };
    if (document.querySelector(SELECTOR)) idle(function () { load().catch(function () {}); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
