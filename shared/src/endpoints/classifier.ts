import { ZClassifierReport, ZClassifierReportQuery, ZClassifierRetrainResponse } from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const classifierEndpoints = {
  report: endpoint({
    method: 'GET',
    path: '/reports/classifier',
    summary:
      'How often the ticket classifier agreed with the agents, week by week: tickets it classified and how many an agent corrected soon after filing',
    query: ZClassifierReportQuery,
    response: ZClassifierReport,
  }),
  retrain: endpoint({
    method: 'POST',
    path: '/admin/classifier/retrain',
    summary:
      "Retrain the desk's classifier now on the shipped examples plus agents' corrections (a job; nothing is stored when nothing changed)",
    response: ZClassifierRetrainResponse,
    status: 202,
  }),
};
