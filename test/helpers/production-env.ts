import { randomBytes } from 'node:crypto';

const secret = () => randomBytes(24).toString('hex');

/**
 * A complete production configuration with nothing dangerous in it: real-looking provider URLs
 * (nothing listens there; the API only calls them when a fee is paid or a result posted), fresh
 * random secrets, https public address, a metrics token. Suites take one thing away or put one
 * unsafe value in to see it refused.
 */
export function safeProductionEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PUBLIC_BASE_URL: 'https://dichvucong.example.gov.vn',
    // Behind the centre's TLS proxy, the one whose X-Forwarded-For is believed.
    TRUST_PROXY: 'loopback',
    PAYMENT_GATEWAY_URL: 'https://payment.example.vn/merchant',
    PAYMENT_SECRET: secret(),
    POSTAL_SERVICE_URL: 'https://api.post.example.vn/v1',
    POSTAL_SECRET: secret(),
    AUTH_OFFICER_ISSUER: 'https://sso.example.gov.vn',
    AUTH_OFFICER_SECRET: secret(),
    AUTH_CITIZEN_ISSUER: 'https://vneid.example.gov.vn',
    AUTH_CITIZEN_SECRET: secret(),
    METRICS_TOKEN: secret(),
    SMTP_URL: 'smtp://mail.example.gov.vn:587',
    NOTIFY_CITIZEN_CHANNELS: 'email',
    NOTIFY_OFFICER_CHANNELS: 'email',
  };
}
