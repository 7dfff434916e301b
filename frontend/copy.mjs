// Copies Cairn's own browser scripts beside the compiled stylesheet.
import { cpSync, mkdirSync } from "node:fs";

mkdirSync("frontend/build", { recursive: true });
cpSync("frontend/js", "frontend/build/js", { recursive: true });
