import { formatRelative } from './format';

/**
 * A channel's last traffic in one direction, as the Integrations page shows it: "not configured"
 * when that direction is off (mail kept in the dev outbox was never sent anywhere, and a Slack
 * delivery recorded before the app was removed says nothing about now), else when it happened.
 */
export function trafficText(at: string | null, on: boolean, now: number, off = 'not configured'): string {
  if (!on) return off;
  return at ? formatRelative(at, now) : 'none yet';
}
