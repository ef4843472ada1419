/** Time as the domain sees it. Production uses the system clock; tests move a fake one (test/clock.ts). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
