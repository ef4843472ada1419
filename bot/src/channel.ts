import type { Router } from 'express';
import type { TDeliverySender } from '@deskmate/shared';

/** What one chat channel (Slack, Teams) adds to the process. */
export interface ChatChannel {
  name: 'slack' | 'teams';
  routers: Router[];
  senders: TDeliverySender[];
  start(): Promise<void>;
  stop(): Promise<void>;
}
