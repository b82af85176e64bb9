import { setupPostgres } from "./global-setup";
import { testPostgresUrl } from "./paths";

export default function setup(): Promise<() => Promise<void>> {
  const url = testPostgresUrl();
  if (!url) throw new Error("the postgres test project needs a PostgreSQL server (TEST_POSTGRES_URL)");
  return setupPostgres(url);
}
