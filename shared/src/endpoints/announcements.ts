import { z } from 'zod';
import { ZAnnouncement, ZAnnouncementList, ZAnnouncementRequest, ZIdParams } from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const announcementsEndpoints = {
  active: endpoint({
    method: 'GET',
    path: '/announcements/active',
    summary: 'Announcements showing now',
    response: ZAnnouncementList,
  }),
  list: endpoint({
    method: 'GET',
    path: '/announcements',
    summary: 'All announcements',
    response: ZAnnouncementList,
  }),
  create: endpoint({
    method: 'POST',
    path: '/announcements',
    summary: 'Post an announcement for a time window',
    body: ZAnnouncementRequest,
    response: z.object({ announcement: ZAnnouncement }),
    status: 201,
  }),
  remove: endpoint({
    method: 'DELETE',
    path: '/announcements/:id',
    summary: 'Remove an announcement',
    params: ZIdParams,
  }),
};
