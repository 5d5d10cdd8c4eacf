// Prints a wasm-metadce graph (binaryen) that keeps every export of a wasm-bindgen module but
// those no page can call: the JS stream adapters wasm-streams exports for server functions
// (`IntoUnderlyingSource` and kin; Leptos links them in through server_fn, the widget has no
// server functions) and wasm-split's version marker (the widget is not split). The linker keeps
// every `#[wasm_bindgen]` export of every linked crate, so these are dropped here, before
// wasm-opt, which then removes the code only they reached. Run by build_widget.
// Usage: node .ci/wasm-roots.js MODULE.wasm > graph.json
const fs = require("fs");

const UNCALLED = /^(__wbg_)?intounderlying(bytesource|sink|source)_|^_WASM_SPLIT_MARKER_/;
const all = WebAssembly.Module.exports(new WebAssembly.Module(fs.readFileSync(process.argv[2])));
const kept = all.filter((e) => !UNCALLED.test(e.name));
if (kept.length === all.length) {
  console.error(`wasm-roots: no uncalled export found in ${process.argv[2]} (has Leptos stopped linking them?)`);
}
const graph = [
  { name: "outside", root: true, reaches: kept.map((e) => "export " + e.name) },
  ...kept.map((e) => ({ name: "export " + e.name, export: e.name })),
];
process.stdout.write(JSON.stringify(graph));
