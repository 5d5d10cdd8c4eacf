// Prints what a host page downloads from codecard, raw / gzip / brotli as transferred (the build's
// precompressed copies: .ci/chunks.js), chunk by chunk, as a Markdown table.
// Usage: node .ci/sizes.js [pkg-dir]
const fs = require("fs");
const { measure } = require("./chunks");

const figures = measure(process.argv[2]);
const kb = (n) => (n / 1024).toFixed(1);
console.log("| chunk | raw KB | gzip KB | brotli KB |\n| --- | ---: | ---: | ---: |");
for (const s of [
  ...figures.chunks,
  { name: "**before the first card**", ...figures.firstCard },
  { name: "**everything**", ...figures.everything },
])
  console.log(`| ${s.name} | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`);
if (process.env.SIZES_JSON) fs.writeFileSync(process.env.SIZES_JSON, JSON.stringify(figures, null, 2));
