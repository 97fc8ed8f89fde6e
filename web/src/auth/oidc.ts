import * as oauth from 'oauth4webapi';

/**
 * Sign-in by OpenID Connect, authorization code with PKCE (S256), with oauth4webapi. The access
 * token stays in memory only (this module): a reload signs in again. Between leaving for the
 * identity provider and coming back, only the PKCE verifier and the state wait in
 * sessionStorage (no token ever does).
 *
 * The issuers: the development identity provider of this API (/dev/idp/officers, /dev/idp/citizens)
 * unless the build names others (VITE_OFFICER_ISSUER, VITE_CITIZEN_ISSUER): the centre's single
 * sign-on and VNeID in production.
 */
export type Audience = 'officers' | 'citizens';

interface SignInTarget {
  audience: Audience;
  clientId: string;
  /** Where the identity provider sends the browser back: the app's root (`/` or `/console/`). */
  redirectPath: string;
}

const PENDING = 'oidc-pending';
const issuerOf = (audience: Audience) =>
  new URL(
    (audience === 'officers' ? import.meta.env.VITE_OFFICER_ISSUER : import.meta.env.VITE_CITIZEN_ISSUER) ?? `${window.location.origin}/dev/idp/${audience}`,
  );
// http only on a developer's machine (the development provider); oauth4webapi refuses it otherwise.
const options = () => ({ [oauth.allowInsecureRequests]: window.location.protocol === 'http:' });

let accessToken: string | null = null;
const listeners = new Set<() => void>();

/** The access token of the signed-in user, if any (memory only). */
export const currentToken = () => accessToken;
export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function setToken(token: string | null) {
  accessToken = token;
  for (const l of listeners) l();
}

async function discover(audience: Audience): Promise<oauth.AuthorizationServer> {
  const issuer = issuerOf(audience);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...options() }));
}

/**
 * Leaves for the identity provider's sign-in page. `returnTo` (a path of this app, e.g. the page
 * the citizen was on) waits beside the PKCE verifier and the state: the provider can only send
 * the browser back to the registered redirect path, and takeReturnPath() says where to go on.
 */
export async function signIn(target: SignInTarget, opts: { returnTo?: string } = {}): Promise<void> {
  const as = await discover(target.audience);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const returnTo = opts.returnTo && isLocalPath(opts.returnTo) ? opts.returnTo : undefined;
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, audience: target.audience, returnTo }));
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set('client_id', target.clientId);
  url.searchParams.set('redirect_uri', `${window.location.origin}${target.redirectPath}`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid profile api');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  window.location.assign(url.href);
}

/**
 * Back from the identity provider (`?code=…&state=…` on the redirect path): redeems the code
 * with the verifier, keeps the access token in memory and clears the address bar. False when the
 * page was not opened by a sign-in; throws when the sign-in failed.
 */
export async function completeSignIn(target: SignInTarget): Promise<boolean> {
  const here = new URL(window.location.href);
  if (!here.searchParams.has('code') && !here.searchParams.has('error')) return false;
  const pending = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  window.history.replaceState(null, '', target.redirectPath);
  if (!pending) throw new Error('Phiên đăng nhập không hợp lệ; vui lòng đăng nhập lại.');
  const { verifier, state, returnTo } = JSON.parse(pending) as { verifier: string; state: string; returnTo?: string };
  returnPath = returnTo && isLocalPath(returnTo) ? returnTo : null;
  const as = await discover(target.audience);
  const client: oauth.Client = { client_id: target.clientId };
  const params = oauth.validateAuthResponse(as, client, here, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, `${window.location.origin}${target.redirectPath}`, verifier, options());
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
  setToken(tokens.access_token);
  return true;
}

// A path on this origin only ("/ho-so-cua-toi"), never "//elsewhere" or "https://…": no open redirect.
const isLocalPath = (p: string) => p.startsWith('/') && !p.startsWith('//') && !p.includes('\\');

let returnPath: string | null = null;

/** Where the user was when they left to sign in (signIn's `returnTo`), once, after completeSignIn. */
export function takeReturnPath(): string | null {
  const p = returnPath;
  returnPath = null;
  return p;
}

export function signOut(): void {
  setToken(null);
}
