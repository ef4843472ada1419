import type { TChatSession } from '@deskmate/shared';
import type { TurnContext } from 'botbuilder';
import type { TPerson } from '../identity.js';
import { renderWizardCard, type TWizardCardOptions } from '../render/index.js';
import { cardMessage, type TeamsDeps } from './deps.js';

/**
 * Show the wizard's prompt in the personal chat, keeping one live card:
 * - after a click, the clicked card is updated in place (`card` is its id);
 * - after a typed answer, the previous card becomes a record of what it asked (no buttons) and the
 *   prompt comes as a new card below the person's message, so the chat reads top to bottom.
 * The live card's id is kept with the person's identity (through the API), not in memory.
 */
export async function showPrompt(
  deps: TeamsDeps,
  context: TurnContext,
  person: TPerson,
  session: TChatSession,
  place: { card: string } | { previous: TChatSession | null; greeting?: string },
): Promise<void> {
  const links = deps.links();
  if ('card' in place) {
    await context.updateActivity({ ...cardMessage(renderWizardCard(session, links)), id: place.card });
    if (person.data.wizardCardId !== place.card) await person.remember({ wizardCardId: place.card });
    return;
  }
  const previousId = person.data.wizardCardId;
  if (place.previous && previousId) {
    try {
      await context.updateActivity({
        ...cardMessage(renderWizardCard(place.previous, links, { answered: true })),
        id: previousId,
      });
    } catch (err) {
      // The old card may be gone (deleted, too old to edit): the new one matters, not this.
      deps.logger.warn({ err: (err as Error).message }, 'could not retire the previous wizard card');
    }
  }
  const options: TWizardCardOptions = place.greeting ? { greeting: place.greeting } : {};
  const sent = await context.sendActivity(cardMessage(renderWizardCard(session, links, options)));
  if (sent?.id) await person.remember({ wizardCardId: sent.id });
}
