import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, ZChatSession, type TChatSession, type wizard } from '@deskmate/shared';
import { chatApi } from '../api/client';

/** A question carried over from the help centre ("Still need help?"): the wizard starts from it. */
export interface TWizardPrefill {
  text: string;
  /** False: the person already read the articles for these words, do not offer them again. */
  offerArticles: boolean;
}

/**
 * The intake wizard as the portal drives it: the same state machine as Slack and Teams, kept by
 * the server (/api/chat/sessions, channel `web`). A stale answer (another tab moved on) gets the
 * conversation as it is now. With a prefill the conversation starts afresh from its text, once:
 * a later retry resumes it.
 */
export function useWizard(prefill?: TWizardPrefill) {
  // Used by the first start only; a ref, so that using it up does not start the wizard again.
  const pendingPrefill = useRef(prefill);
  const [session, setSession] = useState<TChatSession | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const start = useCallback(async () => {
    setPending(true);
    setError(null);
    try {
      setSession((await chatApi.start(pendingPrefill.current ?? {})).session);
      pendingPrefill.current = undefined;
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
