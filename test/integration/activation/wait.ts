/**
 * Waiting on a condition of the editor that has no event (e.g. an extension's
 * `isActive`): re-checks on every short tick until it holds or the deadline
 * passes, then fails with what it was waiting for. Never a fixed sleep.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
