import { ZMeta } from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const metaEndpoints = {
  get: endpoint({ method: 'GET', path: '/meta', summary: 'Name and version of this Deskmate', response: ZMeta }),
};
