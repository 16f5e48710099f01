// Build goodgov's front-end assets into src/goodgov/web/static/goodgov/.
//
// Run from the repository root with `npm run build`. The output directory is
// not committed: it is built on every machine (make, CI, the container image).
//   goodgov.css              compiled from goodgov.scss (compressed, no source map)
//   fonts/                   Sarabun woff2, Thai and Latin subsets, 400 and 700, and its OFL licence
//   govuk-frontend.min.js    GOV.UK Frontend's components (ES module)
//   init.js                  starts them (no inline scripts: the CSP is script-src 'self')
//   session-timeout.js       the warning before a signed-in session ends (imported by init.js)
//   favicon.svg              the browser tab's icon: a tick on the brand's blue (ours, not GOV.UK's)

import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../../..");
const modules = join(root, "node_modules");
const out = join(root, "src/goodgov/web/static/goodgov");
const fonts = join(out, "fonts");

rmSync(out, { recursive: true, force: true });
mkdirSync(fonts, { recursive: true });

const result = sass.compile(join(here, "goodgov.scss"), {
  loadPaths: [modules],
  style: "compressed",
  sourceMap: false,
  charset: false,
});
writeFileSync(join(out, "goodgov.css"), result.css);

const sarabun = join(modules, "@fontsource/sarabun");
for (const subset of ["thai", "latin"]) {
  for (const weight of [400, 700]) {
    const name = `sarabun-${subset}-${weight}-normal.woff2`;
    copyFileSync(join(sarabun, "files", name), join(fonts, name));
  }
}
copyFileSync(join(sarabun, "LICENSE"), join(fonts, "OFL.txt"));

// Drop the source-map comment: the map is not shipped, and Django's manifest
// storage refuses a reference to a file that is not there.
const frontend = readFileSync(join(modules, "govuk-frontend/dist/govuk/govuk-frontend.min.js"), "utf8");
writeFileSync(
  join(out, "govuk-frontend.min.js"),
  frontend.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n"),
);
for (const file of ["init.js", "session-timeout.js", "favicon.svg"]) {
  copyFileSync(join(here, file), join(out, file));
}

for (const file of ["goodgov.css", "govuk-frontend.min.js", "init.js", "session-timeout.js"]) {
  const path = join(out, file);
  const gzipped = gzipSync(readFileSync(path), { level: 9 }).length;
  console.log(`${relative(root, path)}: ${statSync(path).size} bytes, ${gzipped} gzipped`);
}
