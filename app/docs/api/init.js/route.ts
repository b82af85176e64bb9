/**
 * Starts the reference on /docs/api, drawn from /api/openapi.json. A script file rather than an inline script,
 * so the page's CSP needs no exception. Everything that would reach beyond this origin is off: Scalar's web
 * fonts, telemetry, the request client and each operation's "Test Request" (and the proxy they use), the AI agent
 * and MCP. Tiny, so it is revalidated on every visit (`no-cache`): new options reach every browser at once. Scalar mounts in an element of its
 * own, outside the page's React tree.
 */
const configuration = {
  url: "/api/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: true,
  hideTestRequestButton: true,
  showDeveloperTools: "never",
  agent: { disabled: true },
  mcp: { disabled: true },
  documentDownloadType: "json",
  defaultOpenAllTags: true,
};

const script = `(() => {
  const element = document.createElement("div");
  document.body.append(element);
  Scalar.createApiReference(element, ${JSON.stringify(configuration)});
})();
`;

export function GET(): Response {
  return new Response(script, {
    headers: {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
