// Copies Cairn's own browser scripts beside the compiled stylesheet.
import { cpSync, mkdirSync } from "node:fs";

mkdirSync("frontend/build", { recursive: true });
cpSync("frontend/js", "frontend/build/js", { recursive: true });
// Cytoscape.js for the link chart, as an ES module beside the script that imports it.
mkdirSync("frontend/build/js/vendor", { recursive: true });
cpSync(
  "node_modules/cytoscape/dist/cytoscape.esm.min.mjs",
  "frontend/build/js/vendor/cytoscape.esm.min.mjs",
);
