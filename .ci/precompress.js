// Writes brotli (quality 11) and gzip (level 9) copies next to the widget's immutable files, which
// the server serves by Accept-Encoding instead of compressing them on every request (at its
// on-the-fly level brotli is ~18% bigger). Run by build_widget after wasm-pack.
// Usage: node .ci/precompress.js FILE...
const fs = require("fs");
const zlib = require("zlib");

for (const file of process.argv.slice(2)) {
  const bytes = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(bytes, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  fs.writeFileSync(`${file}.br`, br);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }));
}
