import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from 'express';
import type { TDeliverySender, TInboundHandler } from '@deskmate/shared';

/** A plain Node handler tried before the HTTP app; true when it took the request. */
export type FrontDoor = (req: IncomingMessage, res: ServerResponse) => boolean;

/** What one chat channel (Slack, Teams) adds to the process. */
export interface ChatChannel {
  name: 'slack' | 'teams';
  routers: Router[];
  /** Endpoints served before the app's middleware (Slack's, whose answers are timed). */
  frontDoors?: FrontDoor[];
  senders: TDeliverySender[];
  /** What acts on the requests this channel recorded (run by the inbound.process job). */
  inbound?: TInboundHandler[];
  start(): Promise<void>;
  stop(): Promise<void>;
}
