import { z } from "zod";

/**
 * zod for the schemas shared by forms and handlers (lib/validation), which the browser runs too. Without `jitless`, zod probes whether it may
 * compile validators with `new Function`, which the pages' Content-Security-Policy (no 'unsafe-eval') reports as
 * a violation.
 */
z.config({ jitless: true });

export { z };
