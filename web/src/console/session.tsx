import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { answer, api, ApiProblem } from '../api/client';
import { completeSignIn, currentToken, signIn, signOut as forgetToken } from '../auth/oidc';

/** The console's sign-in target at the centre's identity provider (development: /dev/idp/officers). */
export const CONSOLE_SIGN_IN = { audience: 'officers', clientId: 'dossier-console', redirectPath: '/console/' } as const;

export type OfficerRole = 'one_stop_officer' | 'specialist' | 'leader' | 'supervisor' | 'admin';

export interface Officer {
  kind: 'officer';
  id: number;
  username: string;
  fullName: string;
  agencies: Array<{ eid: string; name: string; roles: Array<{ role: OfficerRole; label: string }> }>;
}

export interface Session {
  me: Officer;
  /** Does the officer hold `role` (in `agencyEid`, or in any agency)? */
  has(role: OfficerRole, agencyEid?: string): boolean;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

/** The signed-in officer; only under <SessionGate> (every screen after sign-in). */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside <SessionGate>');
  return s;
}

// Where the officer was when the sign-in started (path and query: filters live in the URL), and
// that they had signed in in this tab: a reload signs in again at the identity provider (its own
// session answers without asking) and comes back to the same screen. Never a token.
const RETURN_TO = 'console-return-to';
const SIGNED_IN = 'console-signed-in';

/** Leaves for the identity provider, to come back to where the officer is now. */
export function startSignIn(): Promise<void> {
  const here = window.location.pathname.replace(/^\/console/, '') + window.location.search;
  sessionStorage.setItem(RETURN_TO, here || '/');
  return signIn(CONSOLE_SIGN_IN);
}

// Once per page load (StrictMode runs effects twice): a code can be redeemed only once.
let completion: Promise<boolean> | null = null;

export type GateState = { kind: 'checking' } | { kind: 'signed-out'; error?: string } | { kind: 'signed-in' };

/**
 * Completes a sign-in coming back from the identity provider, or starts one again after a reload
 * in a tab that had signed in; then renders `children` with the officer's session (GET /me), or
 * `signedOut` until they sign in.
 */
export function SessionGate({ children, signedOut }: { children: ReactNode; signedOut: (state: GateState) => ReactNode }) {
  const [state, setState] = useState<GateState>(currentToken() ? { kind: 'signed-in' } : { kind: 'checking' });
  const queryClient = useQueryClient();

  useEffect(() => {
    if (currentToken()) return;
    completion ??= completeSignIn(CONSOLE_SIGN_IN);
    completion
      .then((signedIn) => {
        if (signedIn) {
          sessionStorage.setItem(SIGNED_IN, '1');
          const back = sessionStorage.getItem(RETURN_TO);
          sessionStorage.removeItem(RETURN_TO);
          if (back && back !== '/') window.history.replaceState(null, '', `/console${back}`);
          // The router read the address when it mounted (the identity provider's answer, `/?code=…`):
          // told of the change, it shows the screen and query the officer came back to.
          window.dispatchEvent(new PopStateEvent('popstate'));
          setState({ kind: 'signed-in' });
        } else if (sessionStorage.getItem(SIGNED_IN)) {
          void startSignIn().catch(() => setState({ kind: 'signed-out', error: 'Không kết nối được với hệ thống đăng nhập; vui lòng thử lại.' }));
        } else setState({ kind: 'signed-out' });
      })
      .catch((err: unknown) => {
        sessionStorage.removeItem(SIGNED_IN);
        setState({ kind: 'signed-out', error: err instanceof Error && /[À-ỹ]/.test(err.message) ? err.message : 'Đăng nhập không thành công; vui lòng thử lại.' });
      });
  }, []);

  const me = useQuery({
    queryKey: ['me'],
    queryFn: () => answer<Officer>(api.GET('/api/v1/me')),
    enabled: state.kind === 'signed-in',
    staleTime: Infinity,
  });

  if (state.kind !== 'signed-in') return <>{signedOut(state)}</>;
  if (me.error) {
    return <>{signedOut({ kind: 'signed-out', error: me.error instanceof ApiProblem && me.error.problem.detail ? me.error.problem.detail : 'Không tải được thông tin cán bộ; vui lòng đăng nhập lại.' })}</>;
  }
  if (!me.data) return <>{signedOut({ kind: 'checking' })}</>;
  if (me.data.kind !== 'officer') return <>{signedOut({ kind: 'signed-out', error: 'Tài khoản này không phải tài khoản cán bộ.' })}</>;
  const officer = me.data;
  const session: Session = {
    me: officer,
    has: (role, agencyEid) => officer.agencies.some((a) => (!agencyEid || a.eid === agencyEid) && a.roles.some((r) => r.role === role)),
    signOut: () => {
      sessionStorage.removeItem(SIGNED_IN);
      forgetToken();
      queryClient.clear();
      setState({ kind: 'signed-out' });
    },
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
