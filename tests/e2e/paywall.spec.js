// The meter end to end, on a third-party page against the metered server: guest → paywall →
// register in the endpoint's popup → the card unlocks → five more views → locked → log out.
const { test, expect } = require("@playwright/test");
const { dialog, code, watchErrors, thirdPartyPage, open } = require("./helpers");

const metered = process.env.CODECARD_METERED_URL || "http://127.0.0.1:18081";
const SEED =
  "0 code page views remaining. Guest accounts are limited to 1 page view. Register free account to get 5 more views.";
const CODES = ["I10", "E11.65", "E11.9", "Z79.4", "E78.5", "I21.9", "I63.9"];

async function clinicPage(page) {
  await thirdPartyPage(page, metered, {
    scriptBase: metered,
    endpoint: metered,
    body: `<ul>${CODES.map((c) => `<li><span data-code="${c}">${c}</span></li>`).join("")}</ul>`,
  });
}

test("guest, paywall, register in a popup, five more views, locked, log out", async ({ page }, info) => {
  const errors = watchErrors(page);
  await clinicPage(page);

  // A guest's one view.
  await open(page, "I10");
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  await expect(dialog(page)).toContainText(SEED);
  await expect(dialog(page)).toContainText("Register to view content");

  // The second new code: the code, its system and the paywall, word for word; the page hears of it.
  await page.evaluate(() => {
    window.__paywall = [];
    document.addEventListener("codecard:paywall", (e) => window.__paywall.push(e.detail));
  });
  await open(page, "E11.65");
  const paywall = page.locator("[data-codecard-host] .cc-paywall");
  await expect(paywall).toContainText(SEED);
  await expect(dialog(page)).toContainText("Create a free account to unlock this content");
  // The gated description stays out; the Index terms are public, as in any printed index.
  await expect(dialog(page)).not.toContainText("Type 2 diabetes mellitus with hyperglycemia");
  await expect(dialog(page)).toContainText("Also indexed as: Diabetes, with, hyperglycemia");
  expect(await page.evaluate(() => window.__paywall)).toEqual([
    { code: "E11.65", system: "icd10cm", meter: { plan: "guest", remaining: 0, limit: 1 } },
  ]);
  const shot = info.outputPath("paywall.png");
  await page.screenshot({ path: shot });
  await info.attach("paywall", { path: shot, contentType: "image/png" });

  // Register in the endpoint's own page, in a popup: no password field ever enters the host page.
  const [popup] = await Promise.all([
    page.waitForEvent("popup"),
    paywall.getByRole("button", { name: "Register free account" }).click(),
  ]);
  await popup.waitForLoadState();
  expect(new URL(popup.url()).origin).toBe(new URL(metered).origin);
  expect(await page.locator("input[type=password]").count()).toBe(0);
  await popup.getByLabel("Email").fill(`ana.${Date.now()}.${info.workerIndex}@clinic.example`);
  await popup.getByLabel("Password").fill("correct horse battery");
  await popup.getByRole("button", { name: "Register free account" }).click();

  // The card the guest was on unlocks in place, without a reload: view 2 of 6.
  await expect(dialog(page)).toContainText("Type 2 diabetes mellitus with hyperglycemia");
  await expect(dialog(page)).toContainText("4 code page views remaining. Free accounts are limited to 6 page views.");
  await expect(dialog(page)).toContainText("Diabetes mellitus"); // the hierarchy, now included

  // Four more new codes count down to zero; the seventh new code is locked.
  for (const [c, left] of [["E11.9", 3], ["Z79.4", 2], ["E78.5", 1], ["I21.9", 0]]) {
    await open(page, c);
    await expect(dialog(page)).toContainText(`${left} code page view${left === 1 ? "" : "s"} remaining.`);
  }
  await open(page, "I63.9");
  await expect(page.locator("[data-codecard-host] .cc-paywall")).toContainText("0 code page views remaining.");
  await expect(dialog(page)).not.toContainText("Cerebral infarction");

  // A code viewed earlier still opens.
  await open(page, "E11.65");
  await expect(dialog(page)).toContainText("Type 2 diabetes mellitus with hyperglycemia");

  // Log out: a guest again (whose one view was I10).
  await page.locator("[data-codecard-host] .cc-account").getByRole("button", { name: "Log out" }).click();
  await expect(dialog(page)).toContainText(SEED);
  await open(page, "I10");
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  expect(errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
});

test("a session message from anywhere but the endpoint's popup is ignored", async ({ page }) => {
  await clinicPage(page);
  await open(page, "I10");
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  // The meter: the lookup has answered (the title alone may be the public part, shown first).
  await expect(dialog(page)).toContainText(SEED);
  await open(page, "E11.65");
  await expect(page.locator("[data-codecard-host] .cc-paywall")).toBeVisible();
  // The host page (another origin than the endpoint) forges the popup's message.
  await page.evaluate(() =>
    window.postMessage(
      { type: "codecard:session", session: { token: "s.forged.9999999999.AAAA", email: "x@y.z", plan: "paid", expires_at: 9999999999 } },
      "*"
    )
  );
  await page.waitForTimeout(300);
  await expect(page.locator("[data-codecard-host] .cc-paywall")).toBeVisible();
  const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith(":session")));
  expect(stored).toEqual([]);
});

test("a stored token the endpoint refuses falls back to a fresh guest", async ({ page }) => {
  await clinicPage(page);
  await page.evaluate((endpoint) => localStorage.setItem(`codecard:${endpoint}:visitor`, "g.tampered.9999999999.AAAA"), metered);
  await open(page, "E11.9");
  await expect(dialog(page)).toContainText("Type 2 diabetes mellitus without complications");
  await expect(dialog(page)).toContainText(SEED); // the lookup has answered, not only the peek
  const token = await page.evaluate((endpoint) => localStorage.getItem(`codecard:${endpoint}:visitor`), metered);
  expect(token).not.toContain("tampered");
});
