import { ZClassifierReport, ZClassifierReportQuery, ZClassifierRetrainResponse } from '@deskmate/shared';
import { recordAudit } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { classifierRetrain } from '../jobs/definitions/classifier-retrain.js';
import { enqueue } from '../jobs/enqueue.js';
import { classifierReport } from './agreement.js';

const DAY = 86_400_000;

export const classifierRoutes = [
  defineRoute({
    method: 'get',
    path: '/reports/classifier',
    access: 'agent',
    summary:
      'How often the ticket classifier agreed with the agents, week by week: tickets it classified and how many an agent corrected soon after filing',
    query: ZClassifierReportQuery,
    response: ZClassifierReport,
    handler: async (ctx) => {
      const to = ctx.query.to ? new Date(ctx.query.to) : ctx.services.clock.now();
      const from = ctx.query.from ? new Date(ctx.query.from) : new Date(to.getTime() - 12 * 7 * DAY);
      if (from >= to) throw new AppError('validation_failed', 'Invalid query.to: must be after from');
      return classifierReport(ctx.services.db, { from, to });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/admin/classifier/retrain',
    access: 'admin',
    summary:
      "Retrain the desk's classifier now on the shipped examples plus agents' corrections (a job; nothing is stored when nothing changed)",
    response: ZClassifierRetrainResponse,
    status: 202,
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
