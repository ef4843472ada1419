import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { TUser } from '@deskmate/shared';
import type { TeamsApi, TIdentityRequest, TTeamsIdentityData, UserApi } from './api.js';
import { ZTeamsIdentityData } from './api.js';
import { isPersonal, referenceFor, tenantOf } from './references.js';

export interface TeamsLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The person behind an activity, as Deskmate knows them. */
export interface TPerson {
  /** The AAD object id (the Emulator's user id when there is none). */
  providerUserId: string;
  user: TUser;
  data: TTeamsIdentityData;
  /** The API acting for this person. */
  as: UserApi;
  /** Keep more data with the identity (the current wizard card). */
  remember(data: TTeamsIdentityData): Promise<void>;
}

/** A small map that forgets its oldest entries, so that a cache cannot grow without bound. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.max) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}

/**
 * Maps Teams users to Deskmate users, as Slack does: by the stored identity, else by the email
 * (or UPN) from the Teams roster, else a new requester. The roster is asked once per person per
 * process (the email is remembered); the API is asked on every activity, which keeps the role
 * fresh and stores the person's personal-chat conversation reference for notifications.
 */
export class Identities {
  private readonly emails = new BoundedMap<string, string>(10_000);

  constructor(
    private readonly api: TeamsApi,
    private readonly logger: TeamsLogger,
  ) {}

  async resolve(context: TurnContext): Promise<TPerson> {
    const activity = context.activity;
    const from = activity.from;
    const providerUserId = from.aadObjectId ?? from.id;
    const request: TIdentityRequest = {
      providerUserId,
      providerTeamId: tenantOf(activity),
      email: await this.email(context, providerUserId),
      name: from.name ? from.name.slice(0, 200) : undefined,
      // Their Teams user id (whose card views refresh), and where notifications reach them: their
      // personal chat with the bot, kept fresh.
      data: {
        ...(from.id ? { mri: from.id } : {}),
        ...(isPersonal(activity) ? { conversationReference: referenceFor(activity) } : {}),
      },
    };
    const result = await this.api.identify(request);
    const parsed = ZTeamsIdentityData.safeParse(result.data);
    return {
      providerUserId,
      user: result.user,
      data: parsed.success ? parsed.data : {},
      as: this.api.as(providerUserId),
      remember: async (data) => {
        await this.api.identify({ ...request, data });
      },
    };
  }

  /** Email (or UPN) from the Teams roster; none in the Emulator, which has no roster. */
  private async email(context: TurnContext, providerUserId: string): Promise<string | undefined> {
    const known = this.emails.get(providerUserId);
    if (known) return known;
    if (context.activity.channelId !== 'msteams') return undefined;
    try {
      const member = await TeamsInfo.getMember(context, context.activity.from.id);
      const email = member.email ?? member.userPrincipalName;
      if (email && email.includes('@')) {
        this.emails.set(providerUserId, email.toLowerCase());
        return email.toLowerCase();
      }
    } catch (err) {
      // Not fatal: without an email the person becomes (or stays) a chat-only requester.
      this.logger.warn({ err: (err as Error).message }, 'Teams roster lookup failed');
    }
    return undefined;
  }
}
