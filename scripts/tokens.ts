import { createDb } from '../db/connection';
import { officerClaims, signCitizenToken, signOfficerToken } from '../api/auth';
import { authConfig, loadConfig } from '../platform/config';
import { SEED_OFFICERS } from '../db/seeds/02_agencies_and_officers';

/**
 * Development tokens for the seeded officers (and a sample citizen), signed by the
 * development issuers: `npm run tokens` or `npm run tokens -- lanhdao.saigon`.
 * Production tokens come from the identity provider and VNeID, never from here.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (process.env.NODE_ENV === 'production') throw new Error('no development tokens in production');
  const auth = authConfig();
  const db = createDb(config.databaseUrl, { max: 1 });
  try {
    const wanted = process.argv.slice(2);
    const names = wanted.length ? wanted.filter((n) => !/^\d{9}(\d{3})?$/.test(n)) : SEED_OFFICERS.map((o) => o.username);
    for (const username of names) {
      const claims = await officerClaims(db, username);
      if (!claims) {
        process.stderr.write(`no officer "${username}" in ${config.databaseUrl}\n`);
        continue;
      }
      const roles = claims.roles.map((r) => `${r.role}@${r.agency}`).join(', ');
      process.stdout.write(`# ${username} (${claims.fullName}): ${roles}\n${await signOfficerToken(auth.officer, claims)}\n\n`);
    }
    const citizens = wanted.length ? wanted.filter((n) => /^\d{9}(\d{3})?$/.test(n)) : ['079123456789'];
    for (const idNumber of citizens) {
      process.stdout.write(`# citizen ${idNumber}\n${await signCitizenToken(auth.citizen, { idNumber })}\n\n`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
