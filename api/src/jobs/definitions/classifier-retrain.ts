import { z } from 'zod';
import { retrainClassifier } from '../../classifier/model.js';
import { defineJob } from '../registry.js';

/**
 * Retrain the desk's classifier on the shipped data plus agents' corrections and store it, every
 * CLASSIFIER_RETRAIN_INTERVAL and when an admin asks. Idempotent: a run with nothing new stores
 * nothing; runs in several workers are serialised (see retrainClassifier).
 */
export const classifierRetrain = defineJob({
  name: 'classifier.retrain',
  payload: z
    .object({
      reason: z.enum(['schedule', 'manual']).default('schedule'),
      requestedBy: z.uuid().nullable().default(null),
    })
    .strict(),
  retry: { attempts: 3, backoffMs: 60_000 },
  concurrency: 1,
  every: (config) => config.CLASSIFIER_RETRAIN_INTERVAL,
  async handler(payload, { db, clock, logger }) {
    await retrainClassifier(db, { clock, logger, reason: payload.reason, requestedBy: payload.requestedBy });
  },
});
