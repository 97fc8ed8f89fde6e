import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { answer, api } from '../api/client';
import { completeSignIn, currentToken, onTokenChange, signIn, signOut, takeReturnPath } from '../auth/oidc';

const TARGET = { audience: 'citizens', clientId: 'dossier-portal', redirectPath: '/' } as const;

/** The signed-in citizen as GET /me tells (the ID number is the token's subject). */
export interface Citizen {
  idNumber: string;
  fullName: string | null;
}

type SessionState = { kind: 'checking' } | { kind: 'signed-out'; error?: string } | { kind: 'signed-in'; citizen: Citizen };

interface Session {
  state: SessionState;
  /** Leaves for the identity provider; back here, the citizen lands on `returnTo` (this page unless told). */
  signIn(returnTo?: string): void;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

// Once per page load (StrictMode runs effects twice): the code can be redeemed only once.
let completion: Promise<{ state: SessionState; back: string | null }> | null = null;

function completeOnce() {
  completion ??= (async () => {
    // "Hủy" at the identity provider comes back as error=access_denied: said as a choice, not a failure.
    const cancelled = new URL(window.location.href).searchParams.get('error') === 'access_denied';
    try {
      if (!(await completeSignIn(TARGET))) return { state: { kind: 'signed-out' } as SessionState, back: null };
      const me = await answer<{ kind: string; idNumber?: string; fullName: string | null }>(api.GET('/api/v1/me'));
      if (me.kind !== 'citizen' || !me.idNumber) {
        signOut();
        return { state: { kind: 'signed-out', error: 'Tài khoản này không phải tài khoản công dân.' } as SessionState, back: takeReturnPath() };
      }
      return { state: { kind: 'signed-in', citizen: { idNumber: me.idNumber, fullName: me.fullName } } as SessionState, back: takeReturnPath() };
    } catch (err) {
      const error = cancelled
        ? 'Ông/Bà đã hủy đăng nhập. Có thể đăng nhập lại bất cứ lúc nào bằng nút Đăng nhập.'
        : err instanceof Error && /[À-ỹ]/.test(err.message)
          ? err.message
          : 'Đăng nhập không thành công; vui lòng thử lại.';
      return { state: { kind: 'signed-out', error } as SessionState, back: takeReturnPath() };
    }
  })();
  return completion;
}

/**
 * The citizen's sign-in (VNeID in production, the development identity provider here): the
 * token lives in memory only (web/src/auth/oidc.ts), so a reload or a trip to the payment
 * gateway signs out, and signing in again comes back to the page the citizen was on.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ kind: 'checking' });
  const navigate = useNavigate();
  const location = useLocation();
  const queries = useQueryClient();

  // The declarative router gives a new navigate on every move: the sign-in completes once per page load (an absolute path needs no newer one).
  const navigateRef = useRef(navigate);
  useEffect(() => {
    let live = true;
    void completeOnce().then(({ state: next, back }) => {
      if (!live) return;
      setState(next);
      // Back on the page the citizen left (signed in, or with the reason it did not happen).
      if (back && back !== '/') void navigateRef.current(back, { replace: true });
    });
    return () => {
      live = false;
    };
  }, []);

  // Signed out (here or by an expired token): nothing of the citizen stays in the cache.
  useEffect(
    () =>
      onTokenChange(() => {
        if (!currentToken()) {
          queries.removeQueries({ queryKey: ['citizen'] });
          setState({ kind: 'signed-out' });
        }
      }),
    [queries],
  );

  const here = `${location.pathname}${location.search}`;
  const doSignIn = useCallback(
    (returnTo?: string) => {
      signIn(TARGET, { returnTo: returnTo ?? here }).catch(() => setState({ kind: 'signed-out', error: 'Không kết nối được với hệ thống đăng nhập; vui lòng thử lại.' }));
    },
    [here],
  );
  const doSignOut = useCallback(() => {
    signOut();
    void navigate('/');
  }, [navigate]);
  const value = useMemo(() => ({ state, signIn: doSignIn, signOut: doSignOut }), [state, doSignIn, doSignOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
