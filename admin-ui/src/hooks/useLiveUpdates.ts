import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { browserEndpoints, endpointUrl, ZLiveTicketEvent } from '@deskmate/shared';
import { authApi } from '../api/client';
import { isStatus } from '../api/errors';
import { keys } from '../api/keys';
import { reportUnauthenticated } from '../auth/session';

export type TLiveState = 'connecting' | 'live' | 'offline';

/**
 * Server-Sent Events from /api/events: a ticket change refreshes that ticket, its timeline and the
 * queues; a notification refreshes the bell. A stream the server ends for good (sign-out
 * everywhere, role change) is checked against /api/auth/me before reconnecting.
 */
export function useLiveUpdates(): TLiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<TLiveState>('connecting');

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let listTimer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;

    // Many events in a burst (a bulk action) refresh the lists once.
    const refreshLists = () => {
      if (listTimer) return;
      listTimer = setTimeout(() => {
        listTimer = null;
        void queryClient.invalidateQueries({ queryKey: keys.tickets });
      }, 300);
    };

    const connect = () => {
      if (stopped) return;
      source = new EventSource(endpointUrl(browserEndpoints.events));
      source.onopen = () => setState('live');
      source.addEventListener('ticket', (e) => {
        let data: unknown;
        try {
          data = JSON.parse((e as MessageEvent<string>).data);
        } catch {
          return;
        }
        const parsed = ZLiveTicketEvent.safeParse(data);
        if (!parsed.success) return;
        void queryClient.invalidateQueries({ queryKey: keys.ticket(parsed.data.key) });
        void queryClient.invalidateQueries({ queryKey: keys.timeline(parsed.data.key) });
        refreshLists();
      });
      source.addEventListener('notification', () => {
        void queryClient.invalidateQueries({ queryKey: keys.notifications });
      });
      source.onerror = () => {
        if (!source || source.readyState !== EventSource.CLOSED) {
          setState('connecting');
          return;
        }
        setState('offline');
        source = null;
        authApi.me().then(
          () => {
            retry = setTimeout(connect, 3000);
          },
          (err: unknown) => {
            if (isStatus(err, 401)) reportUnauthenticated();
            else retry = setTimeout(connect, 10_000);
          },
        );
      };
    };
    connect();
    return () => {
      stopped = true;
      source?.close();
      if (retry) clearTimeout(retry);
      if (listTimer) clearTimeout(listTimer);
    };
  }, [queryClient]);

  return state;
}
