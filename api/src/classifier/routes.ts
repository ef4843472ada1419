import { endpoints } from '@deskmate/shared';
import { recordAudit } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { bindRoute } from '../http/route.js';
import { classifierRetrain } from '../jobs/definitions/classifier-retrain.js';
import { enqueue } from '../jobs/enqueue.js';
import { classifierReport } from './agreement.js';

const DAY = 86_400_000;

export const classifierRoutes = [
  bindRoute(endpoints.classifier.report, {
    access: 'agent',
    handler: async (ctx) => {
      const to = ctx.query.to ? new Date(ctx.query.to) : ctx.services.clock.now();
      const from = ctx.query.from ? new Date(ctx.query.from) : new Date(to.getTime() - 12 * 7 * DAY);
      if (from >= to) throw new AppError('validation_failed', 'Invalid query.to: must be after from');
      return classifierReport(ctx.services.db, { from, to });
    },
  }),
  bindRoute(endpoints.classifier.retrain, {
    access: 'admin',
    handler: async (ctx) =>
      ctx.services.db.transaction(async (tx) => {
        const jobId = await enqueue(tx, classifierRetrain, { reason: 'manual', requestedBy: ctx.user.id });
        await recordAudit(tx, ctx.actor, {
          action: 'classifier.retrain_requested',
          entityType: 'classifier',
          entityId: 'desk',
          after: { jobId },
        });
        return { jobId };
      }),
  }),
];
