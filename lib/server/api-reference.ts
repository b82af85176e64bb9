import "server-only";

import { readFile } from "node:fs/promises";
import path from "node:path";

import { cachedTextResponse } from "@/lib/server/http";

/**
 * Scalar's API reference (the standalone browser bundle of @scalar/api-reference), served from this origin so
 * /docs/api works offline and within the Content-Security-Policy: nothing comes from a CDN.
 */
const PACKAGE = path.join(process.cwd(), "node_modules", "@scalar", "api-reference");
const BUNDLE = path.join(PACKAGE, "dist", "browser", "standalone.js");

/** The bundle's version, which the page puts in the bundle's address. */
export async function scalarVersion(): Promise<string> {
  return (JSON.parse(await readFile(path.join(PACKAGE, "package.json"), "utf8")) as { version: string }).version;
}

/**
 * Before the bundle, two settings that keep it within the CSP (no 'unsafe-eval', styles by nonce only):
 * - the zod inside it runs without compiling validators, since its probe for `new Function` is reported as a
 *   violation (the same setting as lib/validation/zod.ts);
 * - every <style> element created on the page carries the page's nonce (from its `csp-nonce` meta tag). Scalar
 *   stamps its main stylesheet itself, but two it renders (its theme, and a toast library's) would be refused.
 */
const PRELUDE = `globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig ?? {}, { jitless: true });
(() => {
  const nonce = document.querySelector('meta[property="csp-nonce"]')?.content;
  if (!nonce) return;
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (tagName, options) {
    const element = createElement.call(this, tagName, options);
    if (String(tagName).toLowerCase() === "style") element.nonce = nonce;
    return element;
  };
})();
`;

/** Answers the bundle, with the prelude. */
export const scalarBundle = cachedTextResponse(async () => PRELUDE + (await readFile(BUNDLE, "utf8")), {
  "Content-Type": "text/javascript; charset=utf-8",
  // The page asks for it with Scalar's version in the address (`?v=`), so a cached copy never outlives an upgrade.
  "Cache-Control": "public, max-age=31536000, immutable",
  "X-Content-Type-Options": "nosniff",
});
