// Size budget, run by .ci/test after build_widget: fails when what a host page downloads grows past
// the budget. Sizes are deterministic (brotli quality 11, as .ci/sizes.js and .ci/bench measure them),
// so this is a test; timings are not (they live in `bash .ci/bench` only).
//   - before the first interaction (the loader): at most 5 KB brotli (the product target);
//   - in total (loader, wasm-bindgen JS, wasm, CSS): a ceiling a little above the measured figure,
//     so the widget cannot grow unnoticed. Raise it on purpose, in the same commit as the growth, and
//     say why. History: 155,458 B (paywall); 190,757 B (+ embedding API, i18n, the search box);
//     201,992 B (+ hardened embedding: CSS adopted over connect-src, placement from the visual
//     viewport with a resize observer, clipped-anchor and Tab handling, the loader's fallback card,
//     +10,083 B over the main it started from); 216,284 B with main's coding notes merged in;
//     237,022 B: 220,000 raised by exactly the code picker's cost (+17,022 B: 235,756 with it
//     against main's 218,734), for the size work to bring back down.
// Usage: node .ci/size-budget.js [pkg-dir]
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const BUDGET = { loader: 5_000, total: 237_022 }; // bytes, brotli

const root = path.join(__dirname, "..");
const pkg = process.argv[2] || path.join(root, "pkg");
const brotli = (file) => {
  const bytes = fs.readFileSync(file);
  return zlib.brotliCompressSync(bytes, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }).length;
};
const loader = brotli(path.join(pkg, "loader.js")); // as served: minified by build_widget
const total = loader + brotli(path.join(pkg, "codecard.js")) + brotli(path.join(pkg, "codecard_bg.wasm")) + brotli(path.join(root, "assets/codecard.css"));

let failed = 0;
for (const [name, size, max] of [["loader (before any interaction)", loader, BUDGET.loader], ["total (loader + JS + wasm + CSS)", total, BUDGET.total]]) {
  const ok = size <= max;
  if (!ok) failed++;
  console.log(`size budget: ${name}: ${size} B brotli, budget ${max} B: ${ok ? "ok" : "OVER BUDGET"}`);
}
if (failed) {
  console.error(`size budget: ${failed} over budget (see .ci/size-budget.js)`);
  process.exit(1);
}
