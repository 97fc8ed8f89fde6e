import type { Tx } from '../db/connection';
import { agencyEidById } from '../db/repositories/agencies';
import type { Db } from '../db/connection';
import { findActiveUser, findUserByUsername, listenForUserChanges, roleClaimsOfUser, type UserChangeListener, type UserRow } from '../db/repositories/users';
import { logger } from './logger';
import { DomainError } from '../domain/errors';
import { officerRolesFromClaim, rolesIn, unauthenticated, unknownDossier, type OfficerPrincipal } from '../domain/principal';
import type { Actor, OfficerRole } from '../domain/types';

/**
 * The look-ups behind authentication: the account a verified officer token names, the roles
 * an officer holds in an agency, and the claims the development issuer signs.
 */

/** The principal of a verified officer token: an active account, with the roles the token asserts. */
export async function officerPrincipal(db: Tx, username: string, rolesClaim: unknown, accounts?: OfficerAccountCache | null): Promise<OfficerPrincipal> {
  const user = accounts ? await accounts.find(username, () => findActiveUser(db, username)) : await findActiveUser(db, username);
  if (!user) throw unauthenticated(`Tài khoản cán bộ "${username}" không tồn tại hoặc đã ngừng hoạt động.`, 'UnknownOfficer');
  const roles = officerRolesFromClaim(rolesClaim);
  return { kind: 'officer', userId: user.id, username: user.username, fullName: user.full_name, roles };
}

/**
 * The officer acting for `agencyId` (a counter submission), with the roles their token gives
 * them in that agency; forbidden when they hold no role there.
 */
export async function officerActor(db: Tx, p: OfficerPrincipal, agencyId: number): Promise<Actor> {
  const actor = await actorIn(db, p, agencyId);
  if (!actor) throw new DomainError('forbidden', 'Forbidden', `Tài khoản ${p.username} không có vai trò nào tại cơ quan này.`, { reason: 'NoRoleInAgency' });
  return actor;
}

/**
 * The officer acting on a dossier of `agencyId`. Holding no role there, they are told what an
 * unknown code gets (domain/principal.ts `unknownDossier`): another agency's dossiers do not
 * exist for them, so their codes cannot be probed.
 */
export async function dossierOfficer(db: Tx, p: OfficerPrincipal, agencyId: number): Promise<Actor> {
  const actor = await actorIn(db, p, agencyId);
  if (!actor) throw unknownDossier();
  return actor;
}

async function actorIn(db: Tx, p: OfficerPrincipal, agencyId: number): Promise<Actor | null> {
  const eid = await agencyEidById(db, agencyId);
  const roles: OfficerRole[] = eid !== null ? rolesIn(p, eid) : [];
  return roles.length ? { userId: p.userId, username: p.username, fullName: p.fullName, roles } : null;
}

/** The roles of a seeded or provisioned officer, as the development issuer puts them in the token. */
export async function officerClaims(db: Tx, username: string): Promise<{ username: string; fullName: string; roles: Array<{ agency: string; role: OfficerRole }> } | null> {
  const user = await findUserByUsername(db, username);
  if (!user) return null;
  const roles = await roleClaimsOfUser(db, user.id);
  return { username: user.username, fullName: user.full_name, roles };
}

/**
 * The active accounts officers' tokens name, kept in the API process (issue 18, target 1): a
 * signed-in officer's request costs no read of `users`. Only an active account found is kept
 * (an unknown or deactivated one is looked up every time), and only while the process listens
 * on `user_changes` (migration 20261207100001: every update or delete of a user notifies its
 * username at commit), so a deactivated or renamed account is dropped milliseconds after the
 * change commits. A look-up under way when any account changed is not kept (its snapshot may
 * predate the commit); while the LISTEN connection is down nothing is served or kept, and the
 * cache starts empty when it listens again. Bounded (least recently used out first) and with a
 * safety lifetime (`ttlMs`).
 */
export interface OfficerAccountCache {
  /** The active account of `username`: kept, or loaded by `load` (and kept when it is one). */
  find(username: string, load: () => Promise<UserRow | undefined>): Promise<UserRow | undefined>;
  /** Whether changes are listened to (only then are accounts served and kept). */
  listening(): boolean;
  size(): number;
  close(): Promise<void>;
}

export interface OfficerAccountCacheOptions {
  /** Accounts kept at most (default 10,000). */
  maxEntries?: number;
  /** Safety lifetime of a kept account (default 5 min). */
  ttlMs?: number;
  /** Wait before listening again after the LISTEN connection failed (default 1 s). */
  retryMs?: number;
}

type ChangeSource = (handlers: { change(username: string): void; lost(err: Error): void }) => Promise<UserChangeListener>;

export function createOfficerAccountCache(source: ChangeSource, opts: OfficerAccountCacheOptions = {}): OfficerAccountCache {
  const maxEntries = opts.maxEntries ?? 10_000;
  const ttlMs = opts.ttlMs ?? 300_000;
  const retryMs = opts.retryMs ?? 1_000;
  const entries = new Map<string, { user: UserRow; expires: number }>();
  // Raised by every change and every (re)start of listening: a look-up begun before it keeps nothing.
  let epoch = 0;
  let on = false;
  let closed = false;
  let listener: UserChangeListener | null = null;
  let retry: NodeJS.Timeout | null = null;
  let pending: Promise<void> | null = null;

  const change = (username: string) => {
    epoch += 1;
    if (username === '*') entries.clear();
    else entries.delete(username);
  };
  const listen = async () => {
    retry = null;
    if (closed) return;
    try {
      const l = await source({
        change,
        lost: (err) => {
          on = false;
          listener = null;
          change('*');
          logger.warn({ err }, 'officer accounts: the LISTEN connection was lost; accounts are read from the database until it listens again');
          schedule();
        },
      });
      if (closed) {
        await l.close();
        return;
      }
      listener = l;
      change('*');
      on = true;
    } catch (err) {
      logger.warn({ err }, 'officer accounts: cannot LISTEN for user changes; trying again');
      schedule();
    }
  };
  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      pending = listen();
    }, retryMs);
    retry.unref();
  };
  pending = listen();

  return {
    async find(username, load) {
      const kept = on ? entries.get(username) : undefined;
      if (kept && kept.expires > Date.now()) {
        // Most recently used last: Map keeps insertion order.
        entries.delete(username);
        entries.set(username, kept);
        return kept.user;
      }
      const began = epoch;
      const user = await load();
      if (user && on && began === epoch) {
        entries.delete(username);
        entries.set(username, { user, expires: Date.now() + ttlMs });
        while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      }
      return user;
    },
    listening: () => on,
    size: () => entries.size,
    async close() {
      closed = true;
      on = false;
      if (retry) clearTimeout(retry);
      retry = null;
      entries.clear();
      await pending;
      const l = listener;
      listener = null;
      await l?.close();
    },
  };
}

/** The account cache of an API process, listening on its database with a connection of its own. */
export function officerAccountCache(db: Db, opts: OfficerAccountCacheOptions = {}): OfficerAccountCache {
  return createOfficerAccountCache((handlers) => listenForUserChanges(db, handlers), opts);
}
