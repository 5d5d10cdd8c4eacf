// What a host page downloads from codecard, chunk by chunk, and what each costs as transferred:
// the server sends the build's gzip 9 / brotli 11 copies (.ci/precompress.js) and compresses the
// loader and styles once at the same levels, so these figures are the bytes on the wire.
// Shared by .ci/size-budget.js, .ci/sizes.js and .ci/bench-sizes.js.
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const root = path.join(__dirname, "..");

// `first`: needed before the first card is visible (the loader, then on the first click or when
// idle the card module and its styles); the search box's module loads only on pages with one.
const CHUNKS = [
  { id: "loader", name: "loader (before any interaction)", files: ["loader.js"], first: true },
  { id: "card", name: "card module (wasm-bindgen JS + wasm)", files: ["codecard.js", "codecard_bg.wasm"], first: true },
  { id: "css", name: "card styles", files: ["assets/codecard.css"], first: true },
  { id: "search", name: "search box module (JS + wasm)", files: ["codecard_search.js", "codecard_search_bg.wasm"], first: false },
];

function compressed(bytes) {
  return {
    raw: bytes.length,
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(bytes, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

// A file as served: the precompressed copies next to it when the build wrote them.
function measureFile(file) {
  const sizes = compressed(fs.readFileSync(file));
  if (fs.existsSync(file + ".gz")) sizes.gzip = fs.statSync(file + ".gz").size;
  if (fs.existsSync(file + ".br")) sizes.brotli = fs.statSync(file + ".br").size;
  return sizes;
}

const sum = (parts) =>
  parts.reduce((t, p) => ({ raw: t.raw + p.raw, gzip: t.gzip + p.gzip, brotli: t.brotli + p.brotli }), { raw: 0, gzip: 0, brotli: 0 });

// Every chunk with its files' sizes, and the totals before the first card and for everything.
function measure(pkg = path.join(root, "pkg")) {
  const chunks = CHUNKS.map((chunk) => {
    const files = chunk.files.map((f) => ({ file: f, ...measureFile(f.startsWith("assets/") ? path.join(root, f) : path.join(pkg, f)) }));
    return { ...chunk, files, ...sum(files) };
  });
  return {
    chunks,
    firstCard: sum(chunks.filter((c) => c.first)),
    everything: sum(chunks),
  };
}

module.exports = { CHUNKS, compressed, measure, sum };
