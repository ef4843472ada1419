import { ZTicketReport, ZTicketReportQuery } from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const reportsEndpoints = {
  tickets: endpoint({
    method: 'GET',
    path: '/reports/tickets',
    summary:
      'Ticket report: volume per day, response and resolution times, SLA compliance, backlog age and CSAT, by priority, group, category and assignee',
    query: ZTicketReportQuery,
    response: ZTicketReport,
  }),
};
