import { useCallback, useEffect, useState } from 'react';
import { ApiError, ZChatSession, type TChatSession, type wizard } from '@deskmate/shared';
import { chatApi } from '../api/client';

/**
 * The intake wizard as the portal drives it: the same state machine as Slack and Teams, kept by
 * the server (/api/chat/sessions, channel `web`). A stale answer (another tab moved on) gets the
 * conversation as it is now.
 */
export function useWizard() {
  const [session, setSession] = useState<TChatSession | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const start = useCallback(async () => {
    setPending(true);
    setError(null);
    try {
      setSession((await chatApi.start()).session);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  }, []);

  useEffect(() => {
    void start();
  }, [start]);

  const send = useCallback(
    async (input: wizard.TWizardInput, attachmentIds: string[] = []): Promise<TChatSession | null> => {
      if (!session) return null;
      setPending(true);
      setError(null);
      try {
        const next = (await chatApi.input(session.id, input, session.version, attachmentIds)).session;
        setSession(next);
        return next;
      } catch (err) {
        const current =
          err instanceof ApiError && err.status === 409 && err.details && typeof err.details === 'object'
            ? ZChatSession.safeParse((err.details as { session?: unknown }).session)
            : null;
        if (current?.success) setSession(current.data);
        else setError(err);
        return null;
      } finally {
        setPending(false);
      }
    },
    [session],
  );

  return { session, error, pending, send, retry: start };
}
