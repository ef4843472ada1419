import { useQuery } from '@tanstack/react-query';
import type { TDirectoryAgent } from '@deskmate/shared';
import { announcementApi, cannedApi, directoryApi, groupApi, notificationApi } from '../api/client';
import { keys } from '../api/keys';

export const useGroups = () => useQuery({ queryKey: keys.groups, queryFn: groupApi.list, staleTime: 60_000 });
export const useCanned = () => useQuery({ queryKey: keys.canned, queryFn: cannedApi.list, staleTime: 60_000 });
export const useActiveAnnouncements = () =>
  useQuery({ queryKey: keys.activeAnnouncements, queryFn: announcementApi.active, staleTime: 5 * 60_000 });
export const useUnreadCount = () =>
  useQuery({ queryKey: keys.unread, queryFn: notificationApi.unreadCount, refetchInterval: 120_000 });
export const useNotifications = (enabled = true) =>
  useQuery({ queryKey: keys.notifications, queryFn: () => notificationApi.list(), enabled });

const noAgents: TDirectoryAgent[] = [];

/** Who tickets can be assigned to: active agents and admins, with their groups and away flag. */
export function useAgentDirectory(): TDirectoryAgent[] {
  const directory = useQuery({ queryKey: keys.agentDirectory, queryFn: directoryApi.agents, staleTime: 60_000 });
  return directory.data?.items ?? noAgents;
}
