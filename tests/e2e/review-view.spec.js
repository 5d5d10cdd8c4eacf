// Review of the codes-in-view batch (GET /v1/peek?codes=...) and the widget's own decoder, as a
// site owner sees it. A test named "FINDING: ..." fails on the branch it was written against and
// shows what the README promises that the widget does not do; "review: ..." tests pass and keep
// what was tried.
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

// The batch's answer as an adversary (or a broken proxy) writes it: the widget's own decoder must
// turn every odd entry into "no public part" (the metered lookup then brings the card), never a
// panic (which would kill the widget for the page), never another code's card, never a storm.
const CODES = ["I10", "E11.9", "E11.65", "Z79.4", "E78.5", "R55"];
const item = (c) => (c.includes(".") ? "icd10cm/" + c.replace(".", "") : c);
const good = (code, display, title) => ({
  code, display_code: display, system: "icd10cm", release: "FY2026", billable: true,
  short_description: null, long_description: title, descriptor_note: null, plain_language: null,
  hierarchy: [], axes: [], attribution: "ICD-10-CM", sections: [], meter: null, paywalled: true,
});
const ANSWERS = {
  "extra fields, numbers as strings, null where a list must be": {
    peeks: [
      { ...good("I10", "I10", "Essential (primary) hypertension"), extra: { deep: [1, 2, 3] }, billable: "true" },
      { ...good("E119", "E11.9", "WRONG-TITLE-A"), hierarchy: null },
      { ...good("E1165", "E11.65", "WRONG-TITLE-B"), meter: { plan: "guest", remaining: "1", counted: true } },
      { ...good("Z794", "Z79.4", "WRONG-TITLE-C"), system: "icd11" },
      { ...good("E785", "E78.5", "WRONG-TITLE-D"), sections: [{ id: "related", content: { type: "codes", codes: "x" } }] },
      null,
    ],
  },
  "cards of other codes, out of order, and no list at all": {
    peeks: [
      good("R55", "R55", "Syncope and collapse"), // asked last, answered first
      { ...good("I10", "I10", "WRONG-TITLE-F"), code: "I11" },
      1, "x", [], true,
    ],
  },
  "a huge list of junk": { peeks: Array.from({ length: 200000 }, (_, i) => ({ code: "X" + i, billable: i })) },
  "not a list": { peeks: { I10: good("I10", "I10", "WRONG-TITLE-G") } },
};
for (const [name, body] of Object.entries(ANSWERS)) {
  test(`review: a batch answer with ${name} breaks nothing: each click shows its own code's card`, async ({ page }) => {
    const errors = watchErrors(page);
    let batches = 0;
    await page.route((url) => url.pathname === "/v1/peek", (route) => {
      batches += 1;
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) });
    });
    // The metered lookups are held: what the card shows is the batch's part alone.
    await holdLookups(page);
    await thirdPartyPage(page, metered, {
      scriptBase: metered,
      endpoint: metered,
      body: `<ul>${CODES.map((c) => `<li><span data-code="${c}">${c}</span></li>`).join("")}</ul>`,
    });
    await moduleReady(page);
    await expect.poll(() => batches).toBe(1);
    for (const c of CODES) {
      if (await dialog(page).count()) {
        await page.keyboard.press("Escape");
        await expect(dialog(page)).toHaveCount(0);
      }
      await code(page, c).click();
      await expect(dialog(page).locator("#cc-title")).toContainText(c);
      await page.waitForTimeout(200);
      expect(await dialog(page).innerText(), c).not.toContain("WRONG-TITLE");
    }
    await page.waitForTimeout(1000);
    expect(batches, "no storm of batches").toBe(1);
    expect(errors).toEqual([]);
  });
}
