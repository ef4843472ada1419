import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { TUser } from '@deskmate/shared';
import { authApi } from '../api/client';
import { isStatus } from '../api/errors';
import { clearDrafts } from '../lib/drafts';
import { isAgent } from '@deskmate/shared';

export type TSession =
  | { status: 'loading' }
  /** expired: the server ended the session; left: the person signed out here, on purpose. */
  | { status: 'signed-out'; expired: boolean; left?: boolean }
  | { status: 'signed-in'; user: TUser };

interface TSessionApi {
  session: TSession;
  signedIn(user: TUser): void;
  /** Sign out on this device (`everywhere`: every device). */
  signOut(everywhere?: boolean): Promise<void>;
  /** The server said 401: the session expired or was revoked elsewhere. */
  expire(): void;
}

const SessionContext = createContext<TSessionApi | null>(null);

/** Set by the provider: the query client reports a 401 from any request here. */
let onUnauthenticated: () => void = () => undefined;
export const reportUnauthenticated = (): void => onUnauthenticated();

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<TSession>({ status: 'loading' });
  const queryClient = useQueryClient();

  useEffect(() => {
    let cancelled = false;
    authApi.me().then(
      ({ user }) => !cancelled && setSession({ status: 'signed-in', user }),
      (err: unknown) => {
        if (cancelled) return;
        // Any failure to read the session (401, network) shows the sign-in form, never a broken screen.
        setSession({ status: 'signed-out', expired: false });
        if (!isStatus(err, 401)) console.warn('Could not read the session', err);
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const expire = useCallback(() => {
    setSession((s) => (s.status === 'signed-in' ? { status: 'signed-out', expired: true } : s));
    queryClient.clear();
  }, [queryClient]);

  useEffect(() => {
    onUnauthenticated = expire;
    return () => {
      onUnauthenticated = () => undefined;
    };
  }, [expire]);

  const signedIn = useCallback(
    (user: TUser) => {
      queryClient.clear();
      setSession({ status: 'signed-in', user });
    },
    [queryClient],
  );

  const signOut = useCallback(
    async (everywhere = false) => {
      try {
        await (everywhere ? authApi.logoutAll() : authApi.logout());
      } finally {
        // Signing out on purpose leaves nothing of this person's words on this computer; an
        // expired session (expire() below) keeps the drafts for the next sign-in.
        if (session.status === 'signed-in') {
          try {
            clearDrafts(localStorage, session.user.id);
          } catch {
            // no storage (private mode): nothing was kept
          }
        }
        queryClient.clear();
        setSession({ status: 'signed-out', expired: false, left: true });
      }
    },
    [queryClient, session],
  );

  const value = useMemo(() => ({ session, signedIn, signOut, expire }), [session, signedIn, signOut, expire]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): TSessionApi {
  const ctx = use(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user (only under a route that requires one). */
export function useUser(): TUser {
  const { session } = useSession();
  if (session.status !== 'signed-in') throw new Error('useUser without a signed-in user');
  return session.user;
}

/** Where a person lands after signing in. */
export const homeFor = (user: TUser): string => (isAgent(user) ? '/queue/mine' : '/portal');
