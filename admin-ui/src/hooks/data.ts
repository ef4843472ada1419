import { useMemo } from 'react';
import { useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import type { TPersonRef, TTicket, TUser } from '@deskmate/shared';
import { announcementApi, cannedApi, groupApi, notificationApi, userApi } from '../api/client';
import { keys } from '../api/keys';

export const useGroups = () => useQuery({ queryKey: keys.groups, queryFn: groupApi.list, staleTime: 60_000 });
export const useCanned = () => useQuery({ queryKey: keys.canned, queryFn: cannedApi.list, staleTime: 60_000 });
export const useActiveAnnouncements = () =>
  useQuery({ queryKey: keys.activeAnnouncements, queryFn: announcementApi.active, staleTime: 5 * 60_000 });
export const useUnreadCount = () =>
  useQuery({ queryKey: keys.unread, queryFn: notificationApi.unreadCount, refetchInterval: 120_000 });
export const useNotifications = (enabled = true) =>
  useQuery({ queryKey: keys.notifications, queryFn: () => notificationApi.list(), enabled });

/**
 * Agents who can be assigned. Admins read the user list; agents cannot (GET /api/users is
 * admin-only), so they get the members of the groups with names learned from tickets they saw.
 */
export function useAgentDirectory(me: TUser): TPersonRef[] {
  const queryClient = useQueryClient();
  const isAdmin = me.role === 'admin';
  const users = useQuery({
    queryKey: keys.users({ staff: 'true' }),
    queryFn: () => userApi.list({ active: 'true' }),
    enabled: isAdmin,
    staleTime: 60_000,
  });
  const groups = useGroups();
  return useMemo(() => {
    if (isAdmin && users.data) {
      return users.data.items
        .filter((u) => u.role !== 'requester')
        .map((u) => ({ id: u.id, name: u.name, email: u.email }));
    }
    const known = new Map<string, TPersonRef>([[me.id, { id: me.id, name: me.name, email: me.email }]]);
    for (const [, data] of queryClient.getQueriesData<InfiniteData<{ items: TTicket[] }>>({ queryKey: ['tickets'] })) {
      for (const page of data?.pages ?? [])
        for (const t of page.items) if (t.assignee) known.set(t.assignee.id, t.assignee);
    }
    const members = new Set((groups.data?.items ?? []).flatMap((g) => g.memberIds));
    return [...known.values()].filter((p) => p.id === me.id || members.has(p.id));
  }, [isAdmin, users.data, groups.data, queryClient, me]);
}
