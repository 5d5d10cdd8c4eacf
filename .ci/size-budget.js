// Size budget, run by .ci/test after build_widget: fails when what a host page downloads grows past
// the budget. Sizes are deterministic (the build's gzip 9 / brotli 11 copies, as the server sends
// them: .ci/chunks.js), so this is a test; timings are not (they live in `bash .ci/bench` only).
//
// Each line has issue 14's target and the enforced ceiling. The ceiling sits a little above the
// measured figure (never above the target), so the widget cannot grow unnoticed; where a target is
// not met, the line says how far it is. Lower a ceiling whenever a change
// shrinks the widget; raise one only on purpose, in the commit that grows it, and say why.
// History of the single total (brotli): 155,458 B (paywall); 190,757 B (+ embedding API, i18n, the
// search box); 201,992 B (+ hardened embedding); 216,284 B (+ coding notes); 218,734 B before the
// split into the card and search box modules (issue 14); 237,022 B with the code picker (issue 15),
// which now lives in the search box's module (+32,282 B gzip there; +1,312 B gzip on the first card
// from main's loader and card changes merged with it); the picker hardened against its review
// (issue 15: list kept at its input, page-CSS-proof styles with a dark palette, announcements,
// read-only/disabled, pasted lists, aria-invalid) +8,908 B gzip on the search box module, the
// card module unchanged; the pinned nightly with build-std and immediate-abort panics then took
// 18,546 B gzip off the first card and 35,782 B off everything; with no serde_json in the card
// module, no Debug output, section content read in one pass and wasm-opt run twice: first card
// 198,425 B, everything 337,324 B gzip before the hardened picker merged; with it, search box
// module 150,702 B and everything 349,122 B gzip (README, Size); the review-15 fixes (a card inside
// a modal dialog, placement under CSS zoom, text typed before a field was disabled checked on
// re-enable, non-text elements refused by name) search box module 152,037 B, everything 350,816 B;
// the wasm-bindgen glue minified, std's optimize_for_size and the uncalled wasm-streams exports
// dropped before wasm-opt: first card 194,497 B, card module 185,366 B, search box module
// 147,673 B, everything 342,170 B gzip; with the peek (a card's public part fetched before the
// click; the wasm fetched alongside its glue) and a read-only picker field checked at submit:
// loader 4,996 B brotli, first card 193,335 B, card module 184,186 B, search box module 147,997 B,
// everything 341,332 B gzip; the second trim (issue 14: JSON read field by field instead of through
// serde-wasm-bindgen, no float formatting, event details as plain objects, no serde_json in the
// picker, one async resource type in the card, list items and optional parts type-erased, the
// scroll cue a ReadSignal) from 193,450 / 184,301 / 147,997 / 341,447 to first card 164,752 B,
// card module 155,603 B, search box module 129,439 B, everything 294,191 B gzip (README, Size);
// then the codes in view peeked in one request after the module loads (issue 14's warm plain click):
// +3,700 B gzip on the card module: first card 168,481 B, card module 159,330 B, search box module
// 129,357 B, everything 297,838 B gzip; a press on Send no longer lost to a chip made on blur (+257 B
// on the search box module): search box 129,614 B, everything 298,095 B; the review of the codes-in-view
// peek (a batch entry found by its place, the codes beyond a batch sent after it, own JSON fields only):
// first card 168,549 B, card module 159,398 B, search box 129,672 B, everything 298,221 B; only codes
// drawn for the reader batched (checkVisibility): first card 168,798 B, card module 159,647 B,
// everything 298,470 B; the third trim (issue 14: one LocalResource closure type per answer type, the
// dialog's lengths set by one effect, Problem given the error itself, Account's stored parts in one
// StoredValue and its counter a usize, the scroll cue's RwSignal handed out as it is, no memo over the
// open target, the result list given closures instead of Signals, every effect through one closure
// type): first card 160,790 B, card module 151,639 B, search box module
// 126,691 B, everything 287,481 B gzip (README, Size); the fourth trim (issue 14: the card's body as
// fixed markup drawn by one renderer, its buttons run by one listener) with its review's fixes (focus
// kept across a redraw, the first batch waits for a scroll under way): first card 141,718 B, card
// module 132,567 B, search box module 126,688 B, everything 268,406 B gzip; then the fixed element
// boxed, the card's title and close button as fixed markup, the popover not type-erased: first card
// 136,718 B, card module 127,567 B, everything 263,406 B gzip; lists decoded and fixed children
// appended in plain loops: first card 134,433 B, card module 125,282 B, search box module 126,216 B,
// everything 260,649 B gzip; the dialog's events as plain listeners, the scroll cue and placement set
// on the elements, no on_load effects, Account in a cell, and the import names shortened
// (.ci/short-imports.js): first card 118,343 B (target met), card module 109,192 B, search box module
// 119,161 B, everything 237,504 B gzip (README, Size); the picker's options read by the search box
// module rather than the loader (77 B brotli off the loader, which had 2 B left under its budget
// after a fix of its own): loader 4,912 B brotli, first card 118,259 B, search box module
// 119,538 B (+441), everything 237,797 B gzip; the cold click's public request carries the codes
// in view too (the loader sends one batch, the clicked code first, and the card module adopts it;
// the loader minified for es2022, whose static class field esbuild no longer lowers): loader
// 4,995 B brotli, first card 118,709 B, card module 109,568 B (+367), everything 238,247 B gzip;
// the search box's and picker's words a struct of their own (each module carried the other's):
// first card 118,524 B, card module 109,383 B, search box module 118,501 B, everything 237,025 B;
// the cold batch's review (a batch with more or fewer entries than codes asked dropped whole, the
// loader's batch given the module's deadline, URLSearchParams for a lone surrogate): loader
// 4,999 B brotli, first card 118,660 B, card module 109,520 B, everything 237,161 B; the search
// box's system filter a String signal and a search's problem a String (empty: none), both signal
// types the module compiles already: search box module 116,985 B, everything 235,645 B; the search
// box and the code picker without Leptos (plain state in cells, redrawn after each change, their
// markup drawn by the card's fixed-markup renderer): search box module 62,667 B, everything
// 181,357 B gzip, every target met; the picker's list placed by its own height, measured at its
// width (it measured the clipped live region drawn first): search box module 62,923 B, everything
// 181,613 B gzip; the review of the rewrite (nothing written after teardown, no borrow held across a
// DOM write, the field redrawn before its events, typing drops the arrowed option, reset and IME
// composition respected; the card module's Listener shares one non-generic add): card module
// 109,414 B, first card 118,554 B, search box module 63,367 B, everything 181,921 B gzip; the card's
// destroy() borrows its handle instead of taking it (a page's codecard:open handler may call it while
// open runs): card module 109,361 B, first card 118,501 B, everything 181,868 B gzip; the search box's
// list closes when focus leaves the box and is no Tab stop, and Enter retries a failed search:
// search box module 63,581 B, everything 182,082 B gzip; the status line and the options drawn by
// one Typeahead method each for both the search box and the picker: 63,534 B, everything 182,035 B;
// every Listener an Fn closure, in the card module too (one type, no cfg; +36 B there): card module
// 109,397 B, first card 118,537 B, everything 182,071 B gzip.
// Usage: node .ci/size-budget.js [pkg-dir]
const { measure } = require("./chunks");

const figures = measure(process.argv[2]);
const chunk = (id) => figures.chunks.find((c) => c.id === id);
// [what, bytes, coding, target (issue 14), ceiling]
const BUDGETS = [
  ["loader (before any interaction)", chunk("loader").brotli, "brotli", 5_000, 5_000],
  ["first card: loader + card module + CSS", figures.firstCard.gzip, "gzip", 120_000, 118_550],
  ["chunk: card module", chunk("card").gzip, "gzip", 200_000, 109_400],
  ["chunk: search box module", chunk("search").gzip, "gzip", 200_000, 63_550],
  ["everything, all chunks", figures.everything.gzip, "gzip", 200_000, 182_100],
];

for (const c of figures.chunks)
  console.log(`size: ${c.name}: raw ${c.raw} B, gzip ${c.gzip} B, brotli ${c.brotli} B`);
console.log(`size: first card: raw ${figures.firstCard.raw} B, gzip ${figures.firstCard.gzip} B, brotli ${figures.firstCard.brotli} B`);
console.log(`size: everything: raw ${figures.everything.raw} B, gzip ${figures.everything.gzip} B, brotli ${figures.everything.brotli} B`);
let failed = 0;
for (const [name, size, coding, target, ceiling] of BUDGETS) {
  const ok = size <= ceiling;
  if (!ok) failed++;
  const goal = size <= target ? "target met" : `target ${target} B not met yet (${size - target} B over)`;
  console.log(`size budget: ${name}: ${size} B ${coding}, ceiling ${ceiling} B: ${ok ? "ok" : "OVER BUDGET"}; ${goal}`);
}
if (failed) {
  console.error(`size budget: ${failed} over budget (see .ci/size-budget.js)`);
  process.exit(1);
}
