import createNextIntlPlugin from "next-intl/plugin";

/**
 * next-intl reads each request's language and catalogue from lib/i18n/request.ts. The catalogues are compiled when
 * the app is built, so the browser gets no ICU message parser (about 10 KB gzipped), only a small formatter.
 */
const withNextIntl = createNextIntlPlugin({
  requestConfig: "./lib/i18n/request.ts",
  experimental: { messages: { path: "./lib/i18n/messages", format: "json", locales: "infer", precompile: true } },
});

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Query strings carry basket GUIDs and invoice tokens: the dev server must not print request URLs.
  logging: { incomingRequests: false },
  // The invoice PDF reads its fonts at run time; make sure traced outputs (standalone builds) carry them.
  outputFileTracingIncludes: {
    "/api/public/billing/invoices/\\[invoiceId\\]/pdfByToken": [
      "./node_modules/@expo-google-fonts/noto-sans/{400Regular,700Bold}/*.ttf",
    ],
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
      {
        // The completion URL carries the basket GUID: never leak it through referrers or caches.
        source: "/checkout/complete",
        headers: [
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "Cache-Control", value: "no-store" },
        ],
      },
    ];
  },
};

export default withNextIntl(nextConfig);
