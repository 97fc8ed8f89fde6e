import { loadConfig } from '../platform/config';
import { formatFinding, postureFindings, type Finding } from '../platform/posture';

/**
 * `npm run doctor` (in the image: `node dist/scripts/doctor.js`): is this environment safe to
 * put on the internet? Judges the configuration as production would run it (NODE_ENV=production
 * defaults) with the rules the API and the worker apply when they start (platform/posture.ts),
 * prints one line per unsafe setting with its severity, and exits 1 when one is dangerous.
 */
export function doctor(env: NodeJS.ProcessEnv, write: (line: string) => void): number {
  let findings: Finding[];
  try {
    findings = postureFindings(loadConfig({ ...env, NODE_ENV: 'production' }), env);
  } catch (err) {
    // A value the configuration cannot even read: as dangerous as any, the processes would not start.
    findings = [{ severity: 'danger', setting: 'configuration', message: (err as Error).message }];
  }
  const dangers = findings.filter((f) => f.severity === 'danger');
  const warnings = findings.filter((f) => f.severity === 'warning');
  write('doctor: kiểm tra cấu hình chạy thật (NODE_ENV=production)');
  for (const f of [...dangers, ...warnings]) write(formatFinding(f));
  if (dangers.length) {
    write(`doctor: ${dangers.length} thiết lập nguy hiểm, ${warnings.length} cảnh báo — API và worker sẽ từ chối khởi động.`);
    return 1;
  }
  write(`doctor: không có thiết lập nguy hiểm${warnings.length ? `, ${warnings.length} cảnh báo` : ''} — có thể chạy thật.`);
  return 0;
}

if (require.main === module) process.exitCode = doctor(process.env, (line) => process.stdout.write(`${line}\n`));
