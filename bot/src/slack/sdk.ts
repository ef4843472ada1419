import { createRequire } from 'node:module';
import type * as Bolt from '@slack/bolt';
import type * as WebApi from '@slack/web-api';

const load = createRequire(import.meta.url);

/**
 * The Slack SDKs, loaded on first use (both are CommonJS): a Deskmate without Slack configured
 * never loads them, which keeps about 35 MB out of every such process.
 */
export const bolt = (): typeof Bolt => load('@slack/bolt') as typeof Bolt;
export const webApi = (): typeof WebApi => load('@slack/web-api') as typeof WebApi;
