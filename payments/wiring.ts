import type { AppConfig } from '../platform/config';
import { createSandboxGateway, type SandboxGateway } from '../integrations/payment/sandbox-gateway';
import { createSandboxPaymentProvider } from '../integrations/payment/sandbox-client';
import type { PaymentProvider } from '../integrations/payment/provider';

/**
 * The payment provider of this deployment. Without PAYMENT_GATEWAY_URL, the sandbox
 * gateway runs inside the API process (returned for the HTTP layer to mount at
 * /sandbox/payment-gateway) and the provider client talks to it over HTTP like it would
 * to a real gateway.
 */
export function paymentWiring(config: AppConfig, opts: { withSandbox: boolean }): { provider: PaymentProvider; sandbox?: SandboxGateway } {
  const base = config.publicBaseUrl.replace(/\/+$/, '');
  if (config.payment.gatewayUrl) {
    return { provider: createSandboxPaymentProvider({ baseUrl: config.payment.gatewayUrl, secret: config.payment.secret }) };
  }
  const provider = createSandboxPaymentProvider({ baseUrl: `${base}/sandbox/payment-gateway`, secret: config.payment.secret });
  if (!opts.withSandbox) return { provider };
  const gateway = createSandboxGateway({ secret: config.payment.secret, publicUrl: `${base}/sandbox/payment-gateway` });
  return { provider, sandbox: gateway };
}
