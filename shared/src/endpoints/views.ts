import { SAVED_VIEWS_MAX, ZIdParams, ZSaveViewRequest, ZSavedViewList, ZSavedViewResponse } from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const viewsEndpoints = {
  list: endpoint({
    method: 'GET',
    path: '/views',
    summary: 'Your saved views of the queue, by name',
    response: ZSavedViewList,
  }),
  save: endpoint({
    method: 'PUT',
    path: '/views',
    summary: `Save a view (one of the same name is replaced; at most ${SAVED_VIEWS_MAX} views)`,
    body: ZSaveViewRequest,
    response: ZSavedViewResponse,
  }),
  remove: endpoint({
    method: 'DELETE',
    path: '/views/:id',
    summary: 'Delete one of your saved views',
    params: ZIdParams,
  }),
};
