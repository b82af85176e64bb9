import { notFound } from "next/navigation";

import { benchRoutesEnabled } from "@/lib/server/bench/bench-routes";

export const dynamic = "force-dynamic";

/** The benchmark's blank page: the first-load JavaScript every page of this build pays. */
export default function BlankPage() {
  if (!benchRoutesEnabled()) notFound();
  return null;
}
