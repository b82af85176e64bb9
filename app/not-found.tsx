import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { PageShell } from "@/components/ui/page-shell";

/** In the language of the address asked for: a guest's mistyped link under /checkout reads in their language. */
export default async function NotFound() {
  const t = await getTranslations("frame.notFound");
  return (
    <PageShell title={t("title")}>
      <p>{t("body")}</p>
      <p>
        <Link href="/">{t("home")}</Link>
      </p>
    </PageShell>
  );
}
