// Prints what a host page downloads from codecard, raw / gzip / brotli (maximum compression, as
// a CDN or a pre-compressing server would send it), as a Markdown table. Usage: node .ci/sizes.js [pkg-dir]
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const root = path.join(__dirname, "..");
const pkg = process.argv[2] || path.join(root, "pkg");
const files = [
  ["loader (before any interaction)", path.join(pkg, "loader.js")],
  ["wasm-bindgen JS", path.join(pkg, "codecard.js")],
  ["wasm", path.join(pkg, "codecard_bg.wasm")],
  ["CSS", path.join(root, "assets/codecard.css")],
];
const kb = (n) => (n / 1024).toFixed(1);
const sizes = files.map(([name, file]) => {
  const bytes = fs.readFileSync(file);
  const gzip = zlib.gzipSync(bytes, { level: 9 }).length;
  const brotli = zlib.brotliCompressSync(bytes, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }).length;
  return { name, raw: bytes.length, gzip, brotli };
});
const total = sizes.reduce((t, s) => ({ raw: t.raw + s.raw, gzip: t.gzip + s.gzip, brotli: t.brotli + s.brotli }), { raw: 0, gzip: 0, brotli: 0 });
console.log("| file | raw KB | gzip KB | brotli KB |\n| --- | ---: | ---: | ---: |");
for (const s of [...sizes, { name: "**total**", ...total }]) console.log(`| ${s.name} | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`);
if (process.env.SIZES_JSON) fs.writeFileSync(process.env.SIZES_JSON, JSON.stringify({ files: sizes, total }, null, 2));
