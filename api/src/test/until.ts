/**
 * Poll `check` until it gives something truthy, and return that; fail after `ms`, naming `what`
 * did not happen. Jobs, deliveries and listeners run on their own schedule: a test waits for
 * their outcome instead of sleeping.
 */
export async function until<T>(check: () => T | Promise<T>, ms = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
