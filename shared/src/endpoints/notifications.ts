import { z } from 'zod';
import { ZIdParams, ZNotificationList, ZNotificationListQuery, ZNotificationResponse } from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const notificationsEndpoints = {
  list: endpoint({
    method: 'GET',
    path: '/notifications',
    summary: 'My notifications, newest first',
    query: ZNotificationListQuery,
    response: ZNotificationList,
  }),
  unreadCount: endpoint({
    method: 'GET',
    path: '/notifications/unread-count',
    summary: 'How many of my notifications are unread',
    response: z.object({ count: z.number() }),
  }),
  readAll: endpoint({
    method: 'POST',
    path: '/notifications/read-all',
    summary: 'Mark all my notifications read',
    response: z.object({ updated: z.number() }),
  }),
  read: endpoint({
    method: 'POST',
    path: '/notifications/:id/read',
    summary: 'Mark one of my notifications read',
    params: ZIdParams,
    response: ZNotificationResponse,
  }),
  unread: endpoint({
    method: 'POST',
    path: '/notifications/:id/unread',
    summary: 'Mark one of my notifications unread',
    params: ZIdParams,
    response: ZNotificationResponse,
  }),
};
