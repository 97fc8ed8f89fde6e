import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 signatures shared by the postal service and its clients.
 *
 * Callbacks sign `${timestamp}.${rawBody}`. Requests to the service sign
 * `${timestamp}.${METHOD} ${path}\n${rawBody}` instead: a GET has no body, so without the method
 * and path a captured signature would authorise any other request within the tolerance window.
 */

export const SIGNATURE_HEADER = 'x-signature';
export const TIMESTAMP_HEADER = 'x-timestamp';
export const SIGNATURE_TOLERANCE_MS = 10 * 60_000;

export function hmacHex(secret: string, timestamp: string, message: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${message}`).digest('hex');
}

export function requestMessage(method: string, path: string, rawBody: string): string {
  return `${method.toUpperCase()} ${path}\n${rawBody}`;
}

export function signatureHeaders(secret: string, message: string, nowMs: number): Record<string, string> {
  const timestamp = String(nowMs);
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: hmacHex(secret, timestamp, message) };
}

/** Header lookup that does not care whether the caller lower-cased the names. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Why a signature is not acceptable, or null when it is. */
export function signatureProblem(
  secret: string,
  message: string,
  headers: Record<string, string | string[] | undefined>,
  nowMs: number,
): string | null {
  const timestamp = headerValue(headers, TIMESTAMP_HEADER);
  const signature = headerValue(headers, SIGNATURE_HEADER);
  if (!timestamp || !signature) return `missing ${TIMESTAMP_HEADER} or ${SIGNATURE_HEADER} header`;
  if (!/^\d{1,16}$/.test(timestamp)) return `${TIMESTAMP_HEADER} is not a millisecond epoch`;
  // Future timestamps are bounded too, or a signature minted ahead of time would outlive the window.
  if (Math.abs(nowMs - Number(timestamp)) > SIGNATURE_TOLERANCE_MS) return 'signature timestamp is outside the 10-minute window';
  if (!/^[0-9a-f]{64}$/i.test(signature)) return `${SIGNATURE_HEADER} is not a hex HMAC-SHA256`;
  const expected = Buffer.from(hmacHex(secret, timestamp, message), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (!timingSafeEqual(expected, given)) return 'signature does not match';
  return null;
}
