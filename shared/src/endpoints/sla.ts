import {
  ZPutSlaCalendarsRequest,
  ZPutSlaPoliciesRequest,
  ZSlaCalendarList,
  ZSlaPolicyList,
  ZSlaReport,
  ZSlaReportQuery,
  ZTicketKeyParams,
  ZTicketSlaExplanation,
} from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const slaEndpoints = {
  policies: endpoint({
    method: 'GET',
    path: '/sla/policies',
    summary: 'SLA policies in force: targets per priority, optionally per group or category',
    response: ZSlaPolicyList,
  }),
  putPolicies: endpoint({
    method: 'PUT',
    path: '/sla/policies',
    summary: 'Replace the SLA policies (every priority needs a fallback); open tickets are recomputed',
    body: ZPutSlaPoliciesRequest,
    response: ZSlaPolicyList,
  }),
  calendars: endpoint({
    method: 'GET',
    path: '/sla/calendars',
    summary: 'Business calendars: time zone, weekly hours, holidays',
    response: ZSlaCalendarList,
  }),
  putCalendars: endpoint({
    method: 'PUT',
    path: '/sla/calendars',
    summary: 'Replace the business calendars (one in use by a policy cannot go); open tickets are recomputed',
    body: ZPutSlaCalendarsRequest,
    response: ZSlaCalendarList,
  }),
  explain: endpoint({
    method: 'GET',
    path: '/tickets/:key/sla',
    summary: 'Why a ticket is due when it is: policy, calendar, business time used, intervals ahead, actions',
    params: ZTicketKeyParams,
    response: ZTicketSlaExplanation,
  }),
  report: endpoint({
    method: 'GET',
    path: '/reports/sla',
    summary: 'SLA compliance by priority and group, median and p90 response and resolution times',
    query: ZSlaReportQuery,
    response: ZSlaReport,
  }),
};
