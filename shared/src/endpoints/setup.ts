import { ZMeResponse, ZSetupRequest, ZSetupStatus } from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const setupEndpoints = {
  status: endpoint({
    method: 'GET',
    path: '/setup',
    summary: 'Whether this install still needs its first administrator (the console then offers the setup page)',
    response: ZSetupStatus,
  }),
  complete: endpoint({
    method: 'POST',
    path: '/setup',
    summary:
      'Create the first administrator with the one-time setup code printed in the log at start (404 once an admin exists); signs them in',
    body: ZSetupRequest,
    response: ZMeResponse,
    status: 201,
  }),
};
