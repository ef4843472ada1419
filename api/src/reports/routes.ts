import { endpoints, maxReportDays } from '@deskmate/shared';
import { AppError } from '../http/errors.js';
import { bindRoute } from '../http/route.js';
import { ticketReport } from './tickets.js';
import { requestViewer } from '../tickets/viewer.js';

const DAY = 86_400_000;

/** The ticket report (agents over the tickets they may see, admins over all). */
export const reportRoutes = [
  bindRoute(endpoints.reports.tickets, {
    access: 'agent',
    handler: async (ctx) => {
      const now = ctx.services.clock.now();
      const to = ctx.query.to ? new Date(ctx.query.to) : now;
      const from = ctx.query.from ? new Date(ctx.query.from) : new Date(to.getTime() - 30 * DAY);
      if (from >= to) throw new AppError('validation_failed', 'Invalid query.to: must be after from');
      if (to.getTime() - from.getTime() > maxReportDays * DAY)
        throw new AppError('validation_failed', `Invalid query.to: the range must be at most ${maxReportDays} days`);
      const viewer = await requestViewer(ctx);
      const report = await ticketReport(ctx.services.readDb, viewer, { from, to, groupId: ctx.query.groupId }, now);
      const range = new URLSearchParams({ from: report.from, to: report.to });
      return { ...report, deflectionReport: `/api/reports/deflection?${range.toString()}` };
    },
  }),
];
