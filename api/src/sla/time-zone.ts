/**
 * UTC offsets of an IANA time zone, read from the built-in ICU data (`Intl.DateTimeFormat`) and
 * cached, so that business-time arithmetic is plain integer maths between offset changes.
 */

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Offsets are sampled every 6 hours; a transition between two samples is found by bisection. */
const SAMPLE_MS = 6 * HOUR;
/** The cache unit: 32 days of one zone, about 130 `Intl` calls to build, a few bytes to keep. */
const BLOCK_MS = 32 * DAY;
/** About 350 years of blocks per zone; past that the cache starts again rather than grow. */
const MAX_BLOCKS = 4096;
const MAX_ZONES = 1000;

interface Block {
  end: number;
  /** Instants (UTC ms) at which the offset changes inside the block, ascending. */
  transitions: number[];
  /** `offsets[i]` holds before `transitions[i]`; the last one holds until the block's end. */
  offsets: number[];
}

/** An offset in force from some instant until `until` (exclusive), in ms to add to UTC. */
export interface OffsetSpan {
  offset: number;
  until: number;
}

export class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly blocks = new Map<number, Block>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US-u-nu-latn', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The offset in force at `at` and the instant until which it certainly does not change. */
  spanAt(at: number): OffsetSpan {
    const index = Math.floor(at / BLOCK_MS);
    const block = this.block(index);
    let i = 0;
    while (i < block.transitions.length && block.transitions[i]! <= at) i++;
    return { offset: block.offsets[i]!, until: block.transitions[i] ?? block.end };
  }

  private block(index: number): Block {
    const cached = this.blocks.get(index);
    if (cached) return cached;
    const start = index * BLOCK_MS;
    const end = start + BLOCK_MS;
    const transitions: number[] = [];
    const offsets = [this.offsetAt(start)];
    for (let a = start; a < end; a += SAMPLE_MS) {
      const b = a + SAMPLE_MS;
      const atB = this.offsetAt(b);
      // Two changes inside one 6-hour sample that cancel out would be missed; tzdb has none.
      let from = a;
      while (offsets[offsets.length - 1] !== atB) {
        const change = this.nextChange(from, b, offsets[offsets.length - 1]!);
        transitions.push(change);
        offsets.push(this.offsetAt(change));
        from = change;
      }
    }
    if (this.blocks.size >= MAX_BLOCKS) this.blocks.clear();
    const block = { end, transitions, offsets };
    this.blocks.set(index, block);
    return block;
  }

  /** The first whole second in (from, to] whose offset is not `before` (one must exist). */
  private nextChange(from: number, to: number, before: number): number {
    let lo = Math.floor(from / SECOND);
    let hi = Math.ceil(to / SECOND);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid * SECOND) === before) lo = mid;
      else hi = mid;
    }
    return hi * SECOND;
  }

  /** Local wall-clock time minus UTC at `at`, to the second (tzdb offsets are whole seconds). */
  private offsetAt(at: number): number {
    const utc = Math.floor(at / SECOND) * SECOND;
    const f: Record<string, number> = {};
    for (const part of this.format.formatToParts(utc)) {
      if (part.type !== 'literal') f[part.type] = Number(part.value);
    }
    const hour = f.hour === 24 ? 0 : (f.hour ?? 0);
    const wall = Date.UTC(f.year ?? 1970, (f.month ?? 1) - 1, f.day ?? 1, hour, f.minute ?? 0, f.second ?? 0);
    return wall - utc;
  }
}

const zones = new Map<string, ZoneOffsets>();

/** The shared, cached offsets of `timeZone` (which must already be known to be valid). */
export function zoneOffsets(timeZone: string): ZoneOffsets {
  let zone = zones.get(timeZone);
  if (!zone) {
    if (zones.size >= MAX_ZONES) zones.clear();
    zone = new ZoneOffsets(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}

const knownZones = new Set<string>();

/** Whether the built-in ICU data knows `timeZone` (an IANA name such as `Europe/London`). */
export function isTimeZone(timeZone: string): boolean {
  if (knownZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return false;
  }
  if (knownZones.size < MAX_ZONES) knownZones.add(timeZone);
  return true;
}
