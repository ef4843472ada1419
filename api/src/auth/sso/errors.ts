import { ssoErrorMessages, type TErrorCode, type TSsoErrorCode } from '@deskmate/shared';
import { AppError } from '../../http/errors.js';

const statusOf: Record<TSsoErrorCode, TErrorCode> = {
  expired: 'bad_request',
  state: 'bad_request',
  provider: 'unauthenticated',
  unavailable: 'unavailable',
  unverified_email: 'forbidden',
  domain_not_allowed: 'forbidden',
  tenant_not_allowed: 'forbidden',
  hosted_domain: 'forbidden',
  deactivated: 'forbidden',
  unknown_provider: 'not_found',
};

/**
 * A single sign-on that signed nobody in, with the reason the console explains
 * (`/login?sso_error=<reason>`) and JSON clients get as `details.reason`.
 */
export class SsoError extends AppError {
  constructor(
    readonly reason: TSsoErrorCode,
    /** For the log only (a library error code, the provider's error): never shown. */
    readonly hint?: string,
  ) {
    super(statusOf[reason], ssoErrorMessages[reason], { reason });
    this.name = 'SsoError';
  }
}
