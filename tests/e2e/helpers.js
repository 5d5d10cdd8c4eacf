// Shared by the end-to-end specs: locators, error watching, and a third-party host page.
const { expect } = require("@playwright/test");

/** The card's dialog, inside the widget's shadow root (CSS locators pierce open shadow roots). */
const dialog = (page) => page.locator("[data-codecard-host] [role=dialog]");

/** The first element on the page marked with `data-code="<c>"`. */
const code = (page, c) => page.locator(`[data-code="${c}"]`).first();

/** Collects console errors and uncaught exceptions; assert on the array at the end of a test. */
function watchErrors(page) {
  const errors = [];
  const debug = process.env.CODECARD_E2E_DEBUG ? (line) => console.log(line) : () => {};
  page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => {
    errors.push(`pageerror: ${e.message}`);
    debug(`pageerror: ${e.message}\n${e.stack}`);
  });
  return errors;
}

/**
 * A third-party host page: www/blank.html (or `file`) opened on another origin (`localhost` instead
 * of `127.0.0.1`, so Chromium's local-network rules see one address space, as two public sites would
 * be), with the embed script added exactly as a site adds it. With `csp`, a Content-Security-Policy
 * `<meta>` goes in first: it is enforced from its insertion on, so for everything the widget loads.
 */
async function thirdPartyPage(page, serverURL, { scriptBase, endpoint, attributes = {}, body, ready = true, file = "blank.html", csp }) {
  await page.goto(serverURL.replace("127.0.0.1", "localhost") + "/" + file);
  await page.evaluate(
    ({ scriptBase, endpoint, attributes, body, csp }) => {
      if (csp) {
        const meta = document.createElement("meta");
        meta.httpEquiv = "Content-Security-Policy";
        meta.content = csp;
        document.head.prepend(meta);
      }
      document.querySelector("main").insertAdjacentHTML("beforeend", body);
      const script = document.createElement("script");
      script.src = `${scriptBase}/widget/loader.js`;
      script.dataset.endpoint = endpoint;
      for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
      document.head.append(script);
    },
    { scriptBase, endpoint, attributes, body, csp }
  );
  if (ready) await expect(page.locator("[data-code]").first()).toHaveAttribute("data-codecard-ready", "");
}

/** A third-party page on `baseURL`'s server (script and endpoint there too) with `body`, the script's
 * extra `attributes` and `thirdPartyPage`'s other options in `extra`. */
const plainPage = (page, baseURL, body, attributes = {}, extra = {}) =>
  thirdPartyPage(page, baseURL, { scriptBase: baseURL, endpoint: baseURL, body, attributes, ...extra });

/** What has keyboard focus (inside the widget's shadow root when focus is there), and what it is. */
const focused = (page) =>
  page.evaluate(() => {
    const outer = document.activeElement;
    const inner = outer && outer.shadowRoot ? outer.shadowRoot.activeElement : null;
    const el = inner || outer;
    const attr = (name) => (el && el.getAttribute ? el.getAttribute(name) : null);
    return {
      inCard: !!inner && !!inner.closest("[role=dialog]"),
      tag: el ? el.tagName.toLowerCase() : null,
      id: el ? el.id || null : null,
      action: attr("data-action"),
      opens: attr("data-opens"),
      code: attr("data-code"),
      cls: attr("class"),
      text: el ? (el.textContent || "").trim().slice(0, 80) : null,
    };
  });

/** Two animation frames: what placement does after a change has run. */
const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** The password of the accounts the specs register. */
const PASSWORD = "correct horse battery";

/** Registers `email` on `endpoint` through the JSON API. */
async function registerAccount(page, endpoint, email) {
  const made = await page.request.post(`${endpoint}/v1/account/register`, { data: { email, password: PASSWORD } });
  expect(made.status()).toBe(201);
}

/** Logs `email` in on the endpoint's log-in page the widget opened in `popup`. */
async function logInInPopup(popup, email) {
  await popup.getByLabel("Email").fill(email);
  await popup.getByLabel("Password").fill(PASSWORD);
  await popup.getByRole("button", { name: "Log in" }).click();
}

/** Closes any open card (Esc), then opens the card of `c` by clicking its code. */
async function open(page, c) {
  if (await dialog(page).count()) {
    await page.keyboard.press("Escape");
    await expect(dialog(page)).toHaveCount(0);
  }
  await code(page, c).click();
}

/**
 * Records, from the next page load on, every fetch whose URL contains `fragment`, with its abort
 * signal, in `window[name]` (call `page.reload()` or `goto` after it).
 */
async function recordFetches(page, name, fragment) {
  await page.addInitScript(
    ({ name, fragment }) => {
      window[name] = [];
      const original = window.fetch;
      window.fetch = function (input, init) {
        const url = typeof input === "string" ? input : input.url;
        const signal = (init && init.signal) || (typeof input === "object" && input.signal);
        if (url.includes(fragment)) window[name].push({ url, signal });
        return original.apply(this, arguments);
      };
    },
    { name, fragment }
  );
}

/** Holds every metered card lookup (GET /v1/codes/..., not /v1/codes/exists) until `release()` is called; then lets it through as it is. */
async function holdLookups(page) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route(/\/v1\/codes\/[^e]/, async (route) => {
    await released;
    await route.continue().catch(() => {});
  });
  return release;
}

/** A page on another origin under `require-trusted-types-for 'script'` with `body`, which loads the
 * loader through its own policy; the CSP violations it sees collect in `window.__violations`. */
async function trustedPage(page, baseURL, body) {
  await page.goto(baseURL.replace("127.0.0.1", "localhost") + "/blank.html");
  await page.evaluate(
    ({ endpoint, body }) => {
      // The page's own markup first: the policy is enforced from the <meta>'s insertion on.
      document.querySelector("main").insertAdjacentHTML("beforeend", body);
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective));
      const meta = document.createElement("meta");
      meta.httpEquiv = "Content-Security-Policy";
      meta.content = "require-trusted-types-for 'script'";
      document.head.prepend(meta);
      const policy = trustedTypes.createPolicy("page", { createScriptURL: (s) => s });
      const script = document.createElement("script");
      script.src = policy.createScriptURL(`${endpoint}/widget/loader.js`);
      script.dataset.endpoint = endpoint;
      document.head.append(script);
    },
    { endpoint: baseURL, body }
  );
  await expect(page.locator("[data-code]").first()).toHaveAttribute("data-codecard-ready", "");
}

module.exports = {
  dialog, code, watchErrors, thirdPartyPage, plainPage, focused, frames, registerAccount, logInInPopup,
  open, recordFetches, holdLookups, trustedPage,
};
