import path from "node:path";

/** Test databases live here; the template is migrated once per run and copied for each test file. */
export const TEST_DATA_DIR = path.join(import.meta.dirname, "..", ".data", "test");
export const TEMPLATE_DB = path.join(TEST_DATA_DIR, "template.db");
