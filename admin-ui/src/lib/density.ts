/** How tightly the queue lists tickets: two lines a row, or one line for more rows on screen. */
export type TDensity = 'comfortable' | 'compact';

/** Per person on this browser, like the theme: a shared computer keeps each agent's choice. */
export const densityStorageKey = (userId: string): string => `deskmate:density:${userId}`;

export const parseDensity = (raw: string | null): TDensity => (raw === 'compact' ? 'compact' : 'comfortable');

/** Row heights of the virtual list (each row is drawn at exactly this height). */
export const rowHeights: Readonly<Record<TDensity, number>> = { comfortable: 64, compact: 40 };
