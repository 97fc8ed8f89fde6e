import { PUBLISHED_SECRETS, type AppConfig } from './config';

/**
 * The production posture: every setting that makes this deployment unsafe to put on the
 * internet, as one list of rules. `npm run doctor` (scripts/doctor.ts) prints them all; the API
 * and the worker run the same rules when they start with NODE_ENV=production and refuse to
 * start on a dangerous one (`enforcePosture`).
 *
 * - `danger`: anyone on the internet could abuse it (a published secret, a sandbox provider
 *   that "pays" any fee, a development mode): the processes refuse to start.
 * - `warning`: weaker than it should be, or something that will not work as expected: printed,
 *   the processes start.
 */
export type Severity = 'danger' | 'warning';

export interface Finding {
  severity: Severity;
  /** The environment variable to change. */
  setting: string;
  /** What is wrong and what to do, in Vietnamese, for the operator. */
  message: string;
}

/** Shortest secret this system generates or checks HMACs with (256 bits of hex or base64 are longer). */
export const MIN_SECRET_LENGTH = 32;

const DEV_ISSUER = /^dossier-platform-dev-/;

function url(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);

/** The password in a connection URL (postgres://user:password@host), if any. */
function passwordOf(value: string | undefined): string | undefined {
  const u = url(value);
  return u?.password ? decodeURIComponent(u.password) : undefined;
}

/**
 * Every unsafe setting of `config`, judged as production would run it. `env` is the raw
 * environment, for what the configuration does not keep (whether a value was set at all).
 */
export function postureFindings(config: AppConfig, env: NodeJS.ProcessEnv): Finding[] {
  const out: Finding[] = [];
  const danger = (setting: string, message: string) => out.push({ severity: 'danger', setting, message });
  const warning = (setting: string, message: string) => out.push({ severity: 'warning', setting, message });

  if (env.NODE_ENV !== 'production') {
    danger('NODE_ENV', 'không phải "production": cổng thanh toán và bưu chính thử nghiệm, khóa ký phát triển, /dev/citizen-token và nhà cung cấp định danh phát triển (/dev/idp) được bật.');
  }

  // Secrets anyone can read in this repository.
  const secrets: Array<[string, string | undefined]> = [
    ['AUTH_OFFICER_SECRET', config.auth.officer.secret],
    ['AUTH_CITIZEN_SECRET', config.auth.citizen.secret],
    ['PAYMENT_SECRET', config.payment.secret],
    ['POSTAL_SECRET', config.postal.secret],
    ['METRICS_TOKEN', config.metrics.token],
    ['DOCUMENTS_S3_SECRET_ACCESS_KEY', config.documents.s3.secretAccessKey],
    ['DATABASE_URL', passwordOf(config.databaseUrl)],
    ['REDIS_URL', passwordOf(config.redisUrl)],
    ['SMTP_URL', passwordOf(config.notifications.smtpUrl)],
  ];
  // One line per setting: a published secret is not also said to be short.
  const published = new Set(secrets.filter(([, value]) => value && PUBLISHED_SECRETS.has(value)).map(([setting]) => setting));
  for (const setting of published) {
    danger(setting, 'là khóa bí mật đã công bố trong mã nguồn, .env.example hoặc docker-compose.yml: ai cũng biết. Tạo khóa mới (ví dụ: openssl rand -hex 32).');
  }

  // Real providers, with their own secrets.
  const provider = (urlSetting: string, secretSetting: string, serviceUrl: string | undefined, secret: string, what: string) => {
    const u = url(serviceUrl);
    if (!serviceUrl) danger(urlSetting, `chưa cấu hình ${what} thật: hệ thống sẽ dùng bản thử nghiệm (/sandbox), ai cũng giả được kết quả.`);
    else if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:')) danger(urlSetting, `"${serviceUrl}" không phải địa chỉ http(s).`);
    else if (u.pathname.startsWith('/sandbox/')) danger(urlSetting, `trỏ tới bản thử nghiệm (${u.pathname}), không phải ${what} thật.`);
    else if (u.protocol !== 'https:') warning(urlSetting, `${what} được gọi qua http, không mã hóa: dùng https.`);
    if (!secret) danger(secretSetting, `chưa có khóa bí mật do ${what} cấp: không kiểm được chữ ký callback.`);
    else if (secret.length < MIN_SECRET_LENGTH && !published.has(secretSetting)) warning(secretSetting, `khóa bí mật ngắn hơn ${MIN_SECRET_LENGTH} ký tự: đề nghị ${what} cấp khóa dài hơn.`);
  };
  provider('PAYMENT_GATEWAY_URL', 'PAYMENT_SECRET', config.payment.gatewayUrl, config.payment.secret, 'cổng thanh toán');
  provider('POSTAL_SERVICE_URL', 'POSTAL_SECRET', config.postal.serviceUrl, config.postal.secret, 'dịch vụ bưu chính');

  // Token issuers.
  for (const [who, issuer] of [['OFFICER', config.auth.officer], ['CITIZEN', config.auth.citizen]] as const) {
    if (!issuer.jwksUrl && !issuer.secret) danger(`AUTH_${who}_JWKS_URL`, 'chưa có JWKS URL của nhà cung cấp định danh (hoặc AUTH_' + who + '_SECRET): không xác thực được token.');
    if (!issuer.jwksUrl && issuer.secret && issuer.secret.length < MIN_SECRET_LENGTH && !published.has(`AUTH_${who}_SECRET`)) danger(`AUTH_${who}_SECRET`, `khóa ký token ngắn hơn ${MIN_SECRET_LENGTH} ký tự.`);
    const jwks = url(issuer.jwksUrl);
    if (issuer.jwksUrl && jwks?.protocol !== 'https:') warning(`AUTH_${who}_JWKS_URL`, 'JWKS phải lấy qua https, nếu không khóa kiểm token có thể bị tráo.');
    if (DEV_ISSUER.test(issuer.issuer)) warning(`AUTH_${who}_ISSUER`, `"${issuer.issuer}" là tên nhà phát hành token phát triển: đặt tên của nhà cung cấp định danh thật.`);
  }
  if (env.DEV_IDENTITY_PROVIDER === 'true') warning('DEV_IDENTITY_PROVIDER', 'bật nhà cung cấp định danh phát triển (/dev/idp): production không bao giờ gắn nó, hãy xóa thiết lập này.');
  // Never from platform/config.ts in production; a configuration made by hand must not slip it in either.
  if (env.NODE_ENV === 'production' && config.auth.devIdentityProvider) danger('DEV_IDENTITY_PROVIDER', 'nhà cung cấp định danh phát triển (/dev/idp) cho ai cũng đăng nhập thành bất kỳ cán bộ nào: không bao giờ bật trong production.');
  if (env.AUTH_DEV_CITIZEN_ISSUER === 'true') warning('AUTH_DEV_CITIZEN_ISSUER', 'bật nơi cấp token công dân phát triển (/dev/citizen-token): production bỏ qua, hãy xóa thiết lập này.');

  // Outbound requests into the internal network.
  if (config.webhooks.allowPrivateNetworks) {
    warning('WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'webhook được gửi tới địa chỉ nội bộ (loopback, mạng riêng): một quản trị viên (hoặc token bị lộ) có thể dò mạng nội bộ.');
  }

  // How browsers and providers reach this deployment.
  const base = url(env.PUBLIC_BASE_URL);
  if (!env.PUBLIC_BASE_URL) danger('PUBLIC_BASE_URL', `chưa đặt: callback và trang thanh toán trỏ về ${config.publicBaseUrl}.`);
  else if (!base) danger('PUBLIC_BASE_URL', `"${env.PUBLIC_BASE_URL}" không phải URL.`);
  else if (isLoopback(base.hostname)) danger('PUBLIC_BASE_URL', `trỏ về máy cục bộ (${base.host}): nhà cung cấp không gọi callback tới được.`);
  else if (base.protocol !== 'https:') warning('PUBLIC_BASE_URL', 'không phải https: đặt API sau proxy có TLS và dùng địa chỉ https.');
  // Read only when the configuration knows TRUST_PROXY: behind a TLS proxy every client shares its address otherwise.
  if ('trustProxy' in config && base?.protocol === 'https:' && !env.TRUST_PROXY) {
    warning('TRUST_PROXY', 'API đứng sau proxy TLS nhưng chưa khai báo proxy tin cậy: mọi yêu cầu mang địa chỉ của proxy, giới hạn tần suất theo máy khách dùng chung.');
  }

  // Metrics.
  if (config.metrics.token && config.metrics.token.length < MIN_SECRET_LENGTH && !published.has('METRICS_TOKEN')) danger('METRICS_TOKEN', `ngắn hơn ${MIN_SECRET_LENGTH} ký tự.`);
  if (!config.metrics.token && config.metrics.port === undefined) {
    warning('METRICS_TOKEN', '/metrics không có token (và không có METRICS_PORT): production không phục vụ /metrics; đặt METRICS_TOKEN hoặc METRICS_PORT để giám sát.');
  }
  if (config.metrics.port !== undefined && !isLoopback(config.metrics.host)) {
    warning('METRICS_HOST', `cổng metrics ${config.metrics.port} mở trên ${config.metrics.host}, không có token: chỉ để trong mạng giám sát.`);
  }

  // Messages that go nowhere.
  if (!config.notifications.smtpUrl) warning('SMTP_URL', 'chưa cấu hình SMTP: e-mail chỉ được ghi thành tệp .eml, không gửi đi.');
  for (const [setting, channels] of [['NOTIFY_CITIZEN_CHANNELS', config.notifications.citizenChannels], ['NOTIFY_OFFICER_CHANNELS', config.notifications.officerChannels]] as const) {
    const sandboxOnly = channels.filter((c) => c !== 'email');
    if (sandboxOnly.length) warning(setting, `kênh ${sandboxOnly.join(', ')} chỉ có bản thử nghiệm: tin nhắn được ghi vào tệp, không gửi đi.`);
  }

  // Temporal across a network without TLS.
  if (config.temporal.address && !isLoopback(config.temporal.address.replace(/:\d+$/, '')) && !config.temporal.tls) {
    warning('TEMPORAL_TLS', `kết nối Temporal ${config.temporal.address} không mã hóa: bật TEMPORAL_TLS (mTLS) hoặc dùng mạng riêng.`);
  }

  return out;
}

/** Thrown when a production process will not start: the dangerous findings, one per line. */
export class UnsafeConfigurationError extends Error {
  constructor(readonly findings: Finding[]) {
    super(`cấu hình không an toàn để chạy thật (NODE_ENV=production):\n${findings.map(formatFinding).join('\n')}`);
    this.name = 'UnsafeConfigurationError';
  }
}

export function formatFinding(f: Finding): string {
  return `  [${f.severity}] ${f.setting}: ${f.message}`;
}

/**
 * The start-up check of the API and the worker: in production, prints every finding (`write`)
 * and throws on the dangerous ones; elsewhere does nothing.
 */
export function enforcePosture(config: AppConfig, env: NodeJS.ProcessEnv, write: (line: string) => void): void {
  if (!config.production) return;
  const findings = postureFindings(config, env);
  for (const f of findings.filter((x) => x.severity === 'warning')) write(formatFinding(f));
  const dangers = findings.filter((x) => x.severity === 'danger');
  if (dangers.length) throw new UnsafeConfigurationError(dangers);
}
