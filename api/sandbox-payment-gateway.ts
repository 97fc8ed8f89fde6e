import express, { type Router, type NextFunction, type Request, type Response } from 'express';
import { apiRouter } from './router';
import { sandboxPagePolicy } from './security-headers';
import { GatewayError, type MerchantRequest, type SandboxGateway, type SignedAnswer, messagePage } from '../integrations/payment/sandbox-gateway';

/**
 * The HTTP face of the sandbox payment gateway (integrations/payment/sandbox-gateway.ts),
 * mounted at /sandbox/payment-gateway before any body parser: the merchant API is
 * authenticated over the exact raw body. Refusals are the gateway's own `{ code, message }`,
 * not this API's problem documents.
 */
export function sandboxPaymentGatewayRoutes(gateway: SandboxGateway): Router {
  const rawBody = express.raw({ type: () => true, limit: '32kb' });

  /** The merchant's request with the raw body it signed ('' when there is none). */
  function merchantRequest(req: Request): MerchantRequest {
    if (req.body !== undefined && !Buffer.isBuffer(req.body)) {
      throw new Error('sandbox payment gateway is mounted after a body parser: mount it first, signatures cover the raw body');
    }
    const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    return { body: text, method: req.method, path: req.path, headers: req.headers };
  }

  function sendSigned(res: Response, answer: SignedAnswer): void {
    res.status(answer.status).set(answer.headers).type('application/json').send(answer.body);
  }

  const router = apiRouter();

  router.post('/payments', rawBody, (req, res) => {
    sendSigned(res, gateway.merchantCreate(merchantRequest(req), `${req.protocol}://${req.get('host')}${req.baseUrl}`));
  });

  router.get('/payments/:providerRef', rawBody, (req, res) => {
    sendSigned(res, gateway.merchantStatus(merchantRequest(req), String(req.params.providerRef)));
  });

  router.post('/payments/:providerRef/redeliver', rawBody, (req, res) => {
    sendSigned(res, gateway.merchantRedeliver(merchantRequest(req), String(req.params.providerRef)));
  });

  router.get('/pay/:providerRef', sandboxPagePolicy, (req, res) => {
    const page = gateway.checkoutPage(String(req.params.providerRef));
    res.status(page.status).type('html').send(page.html);
  });

  router.post('/pay/:providerRef', sandboxPagePolicy, express.urlencoded({ extended: false, limit: '4kb' }), express.json({ limit: '4kb' }), (req, res) => {
    const wantsJson = Boolean(req.is('application/json'));
    const choice = gateway.checkoutChoice(String(req.params.providerRef), (req.body as Record<string, unknown> | undefined)?.action);
    if (choice.refused) {
      if (wantsJson) return res.status(choice.status).json({ code: choice.code, message: choice.message });
      return res.status(choice.status).type('html').send(messagePage('Không thể thực hiện', choice.message));
    }
    if (wantsJson) return res.status(200).json({ providerRef: choice.providerRef, status: choice.status, returnUrl: choice.returnUrl });
    res.redirect(303, choice.returnUrl);
  });

  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof GatewayError) return res.status(err.status).json({ code: err.code, message: err.message });
    const e = err as { type?: string };
    if (e?.type === 'entity.parse.failed') return res.status(400).json({ code: 'invalid_request', message: 'body is not valid JSON' });
    if (e?.type === 'entity.too.large') return res.status(413).json({ code: 'invalid_request', message: 'body too large' });
    next(err);
  });

  return router;
}
