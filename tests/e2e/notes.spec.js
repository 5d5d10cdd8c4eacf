// ICD-10-CM coding notes on the card (no-meter server): kinds with their explanation, where an
// inherited note is written, codes inside notes that open their card, the 7th characters.
const { test, expect } = require("@playwright/test");
const { AxeBuilder } = require("@axe-core/playwright");

const { dialog, code, watchErrors } = require("./helpers");

test.describe("coding notes", () => {
  let errors;
  test.beforeEach(async ({ page }) => {
    errors = watchErrors(page);
    await page.goto("/");
  });
  test.afterEach(() => expect(errors).toEqual([]));

  test("E11.65 shows the E11 notes with their source, and a code in a note opens its card", async ({ page }, info) => {
    await code(page, "E11.65").click();
    const notes = dialog(page).locator('[data-section="coding_notes"]');
    await expect(notes).toContainText("Coding notes");
    await expect(notes).toContainText("Excludes1");
    await expect(notes).toContainText("Written at category E11");
    await expect(notes).toContainText("Not coded here: do not report these with this code");
    await expect(notes).toContainText("insulin (Z79.4)");
    await notes.scrollIntoViewIfNeeded();
    const shot = info.outputPath("card-notes-E11.65.png");
    await page.screenshot({ path: shot });
    await info.attach("card-notes-E11.65", { path: shot, contentType: "image/png" });

    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`)).toEqual([]);

    await notes.locator('button[data-opens="Z79.4"]').first().click();
    await expect(dialog(page)).toContainText("Long term (current) use of insulin");
    await expect(dialog(page).locator(".cc-card")).toHaveAttribute("data-code", "Z79.4");
  });

  test("a deleted code says so instead of Billable", async ({ page }) => {
    await page.evaluate(() => window.CodeCard.open("S30.1XXA"));
    await expect(dialog(page).locator(".cc-deleted")).toHaveText("Deleted in FY2026 (April 1, 2026 update)");
    await expect(dialog(page).locator(".cc-billable")).toHaveCount(0);
  });

  test("a 7th-character code shows its character's meaning and the others", async ({ page }) => {
    await page.evaluate(() => window.CodeCard.open("S72.001A"));
    const notes = dialog(page).locator('[data-section="coding_notes"]');
    await expect(notes.locator(".cc-seventh-this")).toContainText("A initial encounter for closed fracture");
    await expect(notes.locator(".cc-seventh-values dt")).toHaveCount(16);
    await expect(notes).toContainText("Valid 7th characters, defined at S72");
  });
});
