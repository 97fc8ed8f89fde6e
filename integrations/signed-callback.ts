import { DomainError } from '../domain/errors';

/**
 * The event of a provider's signed callback (payment gateway, post), verified by `verify`.
 * A refused signature (`signatureError`) is the caller's fault, said as such (401 Invalid
 * signature): nothing is acted on. Anything else goes up as it is.
 */
export function verifiedCallback<E>(verify: () => E, signatureError: abstract new (...args: never[]) => Error): E {
  try {
    return verify();
  } catch (err) {
    if (err instanceof signatureError) throw new DomainError('unauthenticated', 'Invalid signature', err.message);
    throw err;
  }
}
