import type { AppConfig } from '../platform/config';
import { createSandboxGateway, type SandboxGateway } from '../integrations/payment/sandbox-gateway';
import { createSandboxPaymentProvider } from '../integrations/payment/sandbox-client';
import type { PaymentProvider } from '../integrations/payment/provider';

/**
 * The payment provider of this deployment. Without PAYMENT_GATEWAY_URL, the sandbox
 * gateway runs inside the API process (returned for the HTTP layer to mount at
 * /sandbox/payment-gateway) and the provider client talks to it over HTTP like it would
 * to a real gateway; its callbacks go only to this deployment. Production has no sandbox.
 */
export function paymentWiring(config: AppConfig, opts: { withSandbox: boolean }): { provider: PaymentProvider; sandbox?: SandboxGateway } {
  const base = config.publicBaseUrl.replace(/\/+$/, '');
  if (config.payment.gatewayUrl) {
    return { provider: createSandboxPaymentProvider({ baseUrl: config.payment.gatewayUrl, secret: config.payment.secret }) };
  }
  if (config.production) throw new Error('PAYMENT_GATEWAY_URL is required in production: the sandbox gateway would accept any payment');
  const provider = createSandboxPaymentProvider({ baseUrl: `${base}/sandbox/payment-gateway`, secret: config.payment.secret });
  if (!opts.withSandbox) return { provider };
  const gateway = createSandboxGateway({ secret: config.payment.secret, publicUrl: `${base}/sandbox/payment-gateway`, callbackBase: base });
  return { provider, sandbox: gateway };
}
