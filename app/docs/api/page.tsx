import type { Metadata } from "next";
import { headers } from "next/headers";

import { scalarVersion } from "@/lib/server/api-reference";

export const metadata: Metadata = { title: "API reference" };

/**
 * The API reference: Scalar draws the OpenAPI document (/api/openapi.json) in the browser. Its scripts carry this
 * response's CSP nonce, and so do the styles it injects, which read it from the `csp-nonce` meta tag.
 */
export default async function ApiReferencePage() {
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  const version = await scalarVersion();
  return (
    <>
      <meta property="csp-nonce" content={nonce} />
      <noscript>
        The reference needs JavaScript. The API&apos;s description is at{" "}
        <a href="/api/openapi.json">/api/openapi.json</a>.
      </noscript>
      <script nonce={nonce} src={`/docs/api/scalar.js?v=${version}`} defer />
      <script nonce={nonce} src="/docs/api/init.js" defer />
    </>
  );
}
