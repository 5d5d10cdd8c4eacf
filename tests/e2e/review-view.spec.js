// Review of the codes-in-view batch (GET /v1/peek?codes=...) and the widget's own decoder, as a
// site owner sees it. Every test here is a FINDING: it fails on the branch it was written
// against, and shows what the README promises that the widget does not do.
const { test, expect } = require("@playwright/test");
const { dialog, code, watchErrors, thirdPartyPage, holdLookups } = require("./helpers");

const metered = process.env.CODECARD_METERED_URL || "http://127.0.0.1:18081";
const moduleReady = (page) => page.locator("[data-codecard-host]").waitFor({ state: "attached" });
const isBatch = (r) => new URL(r.url()).pathname === "/v1/peek";

// J11.00 (ICD-10-CM, influenza with pneumonia) and J1100 (HCPCS Level II, a dexamethasone
// injection) are written the same once the dot is gone. A page naming no system for J1100 gets,
// per the README, a card that asks which system is meant: never the influenza code's title.
test("FINDING: a plain click on an ambiguous code never shows the public part of a same-looking code of another system in view", async ({ page }) => {
  const errors = watchErrors(page);
  const release = await holdLookups(page);
  const batch = page.waitForResponse(isBatch);
  await thirdPartyPage(page, metered, {
    scriptBase: metered,
    endpoint: metered,
    body: '<p>Diagnosis <span data-code="J11.00">J11.00</span>; given <span data-code="J1100">J1100</span>.</p>',
  });
  await moduleReady(page);
  expect((await batch).status()).toBe(200);
  await code(page, "J1100").click();
  await expect(dialog(page)).toBeVisible();
  await page.waitForTimeout(500);
  const beforeLookup = await dialog(page).innerText();
  const lookup = page.waitForResponse((r) => new URL(r.url()).pathname === "/v1/codes/J1100");
  release();
  expect((await lookup).status()).toBe(300);
  await page.waitForTimeout(500);
  const afterLookup = await dialog(page).innerText();
  expect.soft(beforeLookup, "while the lookup travels").not.toContain("Influenza");
  expect.soft(afterLookup, "once the lookup said ambiguous").not.toContain("Influenza");
  expect.soft(afterLookup).toMatch(/HCPCS/);
  expect(errors).toEqual([]);
});
