const formats = new Map<string, Intl.DateTimeFormat>();

/** An instant as people of a desk read it: `Mon 5 Jan, 12:00 (Europe/London)`. */
export function describeInstant(at: Date, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    if (formats.size > 100) formats.clear();
    formats.set(timeZone, format);
  }
  return `${format.format(at)} (${timeZone})`;
}
