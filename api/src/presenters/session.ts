import type { TUserSession } from '@deskmate/shared';
import type { UserSessionRow } from '../auth/user-sessions.js';

// Order matters: Edge, Opera and Samsung Internet also name Chrome; Chrome also names Safari.
const browsers: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//i, 'curl'],
  [/^PostmanRuntime\//, 'Postman'],
  [/^python-requests\/|^python-urllib/i, 'Python'],
  [/^node(?:-fetch)?\b|^undici\b/i, 'Node.js'],
];

const systems: [RegExp, string][] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bWindows\b/, 'Windows'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/** A short, readable description of a user agent, such as "Firefox on Windows". */
export function describeDevice(userAgent: string | null | undefined): string {
  const ua = userAgent?.trim() ?? '';
  if (!ua) return 'Unknown device';
  const browser = browsers.find(([pattern]) => pattern.test(ua))?.[1];
  const system = systems.find(([pattern]) => pattern.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  // Otherwise what is known, or the product name of something else (a script, an app).
  return browser ?? system ?? /^[\w.-]{1,40}/.exec(ua)?.[0] ?? 'Unknown device';
}

/** A session as its owner sees it; `currentSid` is the session of the request (this device). */
export function presentSession(row: UserSessionRow, currentSid: string): TUserSession {
  return {
    id: row.id,
    device: describeDevice(row.userAgent),
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    current: row.id === currentSid,
  };
}
