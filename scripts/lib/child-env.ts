/** The environment for a child `next start`: ours without NODE_ENV (next start sets its own), plus `extra`. */
export function childServerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  delete env.NODE_ENV;
  return env as NodeJS.ProcessEnv;
}
