import { createHash, createHmac, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An in-process S3-compatible object store for tests, path-style only
 * (`http://127.0.0.1:<port>/<bucket>/<key>`). It behaves like S3 where a client can get it
 * wrong: every request must carry a valid AWS Signature V4 for the known key pair and region
 * (recomputed here, not just pattern-matched), the payload hash must match the body, a
 * virtual-hosted request (bucket in the Host) or an unknown bucket is refused, and multipart
 * uploads enforce S3's rules (parts in order, ETags matching, every part but the last at
 * least `minPartBytes`). Errors are S3's XML error documents.
 */
export interface S3Sandbox {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Stored objects by key (without the bucket). */
  objects: Map<string, Buffer>;
  /** Multipart uploads not yet completed or aborted. */
  openUploads(): number;
  /** Every request: method, key, query and the status answered. */
  requests: Array<{ method: string; key: string; query: string; status: number }>;
  close(): Promise<void>;
}

interface Upload {
  key: string;
  parts: Map<number, { etag: string; body: Buffer }>;
}

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as SigV4 wants it in the canonical query string. */
const awsEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export async function startS3Sandbox(opts: { region?: string; bucket?: string; minPartBytes?: number } = {}): Promise<S3Sandbox> {
  const region = opts.region ?? 'ap-southeast-1';
  const bucket = opts.bucket ?? 'dossier-documents';
  const accessKeyId = 'AKIASANDBOX000000001';
  const secretAccessKey = 'sandbox/secret/key/for/tests/only/0000001';
  const minPartBytes = opts.minPartBytes ?? 5 * 1024 * 1024;
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, Upload>();
  const requests: S3Sandbox['requests'] = [];

  const fail = (res: ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId></Error>`);
  };

  /** Recomputes the request's SigV4 signature; answers the S3 error code when it is wrong. */
  function checkSignature(req: IncomingMessage, rawPath: string, rawQuery: string): string | null {
    const auth = req.headers.authorization ?? '';
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return 'AccessDenied';
    const [, keyId, day, credRegion, service, signedHeaders, signature] = m as unknown as string[];
    if (keyId !== accessKeyId) return 'InvalidAccessKeyId';
    if (credRegion !== region || service !== 's3') return 'AuthorizationHeaderMalformed';
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    if (!amzDate.startsWith(day!)) return 'AuthorizationHeaderMalformed';
    const payloadHash = req.headers['x-amz-content-sha256'];
    if (typeof payloadHash !== 'string') return 'InvalidRequest';
    const signed = signedHeaders!.split(';');
    if (!signed.includes('host') || !signed.includes('x-amz-date') || !signed.includes('x-amz-content-sha256')) return 'AccessDenied';
    const canonicalHeaders = signed
      .map((h) => {
        const v = req.headers[h];
        return `${h}:${(Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ')}\n`;
      })
      .join('');
    const canonicalQuery = rawQuery
      ? rawQuery
          .split('&')
          .map((p) => {
            const [k, v = ''] = p.split('=');
            return [awsEncode(decodeURIComponent(k!)), awsEncode(decodeURIComponent(v))] as const;
          })
          .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`)
          .join('&')
      : '';
    const canonicalRequest = [req.method, rawPath, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
    const scope = `${day}/${region}/s3/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
    const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day!), region), 's3'), 'aws4_request');
    const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
    return expected === signature ? null : 'SignatureDoesNotMatch';
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split('?');
      const query = new URLSearchParams(rawQuery);
      const segments = rawPath.split('/');
      const key = segments.slice(2).map(decodeURIComponent).join('/');
      res.on('finish', () => requests.push({ method: req.method ?? '', key, query: rawQuery, status: res.statusCode }));

      const host = String(req.headers.host ?? '');
      if (host.startsWith(`${bucket}.`)) return fail(res, 400, 'InvalidRequest', 'This endpoint serves path-style requests only');
      const problem = checkSignature(req, rawPath, rawQuery);
      if (problem) return fail(res, 403, problem, 'The request signature we calculated does not match the signature you provided.');
      const payloadHash = String(req.headers['x-amz-content-sha256']);
      if (/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== sha256(body)) {
        return fail(res, 400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
      }
      if (String(req.headers['content-encoding'] ?? '').includes('aws-chunked')) return fail(res, 501, 'NotImplemented', 'aws-chunked uploads are not supported here');
      if (decodeURIComponent(segments[1] ?? '') !== bucket) return fail(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      if (!key) return fail(res, 400, 'InvalidRequest', 'Bucket operations are not supported');

      const uploadId = query.get('uploadId');
      if (req.method === 'POST' && query.has('uploads')) {
        const id = randomUUID();
        uploads.set(id, { key, parts: new Map() });
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
      }
      if (uploadId !== null) {
        const upload = uploads.get(uploadId);
        if (!upload || upload.key !== key) return fail(res, 404, 'NoSuchUpload', 'The specified multipart upload does not exist.');
        if (req.method === 'PUT') {
          const n = Number(query.get('partNumber'));
          if (!Number.isInteger(n) || n < 1 || n > 10_000) return fail(res, 400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000');
          const etag = `"${md5(body)}"`;
          upload.parts.set(n, { etag, body });
          res.writeHead(200, { etag });
          return res.end();
        }
        if (req.method === 'DELETE') {
          uploads.delete(uploadId);
          res.writeHead(204);
          return res.end();
        }
        if (req.method === 'POST') {
          const listed = [...body.toString('utf8').matchAll(/<Part>[\s\S]*?<\/Part>/g)].map((p) => ({
            n: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(p[0])?.[1]),
            etag: (/<ETag>([^<]+)<\/ETag>/.exec(p[0])?.[1] ?? '').replace(/&quot;/g, '"'),
          }));
          if (!listed.length) return fail(res, 400, 'MalformedXML', 'The XML you provided was not well-formed');
          for (let i = 0; i < listed.length; i++) {
            const part = upload.parts.get(listed[i]!.n);
            if (i > 0 && listed[i]!.n <= listed[i - 1]!.n) return fail(res, 400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
            if (!part || part.etag !== listed[i]!.etag) return fail(res, 400, 'InvalidPart', 'One or more of the specified parts could not be found.');
            if (i < listed.length - 1 && part.body.length < minPartBytes) return fail(res, 400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
          }
          const bodies = listed.map((p) => upload.parts.get(p.n)!);
          objects.set(key, Buffer.concat(bodies.map((p) => p.body)));
          uploads.delete(uploadId);
          const etag = `"${md5(Buffer.concat(bodies.map((p) => Buffer.from(p.etag.slice(1, -1), 'hex'))))}-${bodies.length}"`;
          res.writeHead(200, { 'content-type': 'application/xml' });
          return res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etag.replace(/"/g, '&quot;')}</ETag></CompleteMultipartUploadResult>`);
        }
        return fail(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      }

      const object = objects.get(key);
      switch (req.method) {
        case 'PUT': {
          const declared = req.headers['content-length'];
          if (declared === undefined) return fail(res, 411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
          objects.set(key, body);
          res.writeHead(200, { etag: `"${md5(body)}"` });
          return res.end();
        }
        case 'GET':
        case 'HEAD':
          if (!object) {
            if (req.method === 'HEAD') {
              res.writeHead(404);
              return res.end();
            }
            return fail(res, 404, 'NoSuchKey', 'The specified key does not exist.');
          }
          res.writeHead(200, { 'content-type': 'binary/octet-stream', 'content-length': object.length, etag: `"${md5(object)}"`, 'last-modified': new Date().toUTCString() });
          return res.end(req.method === 'HEAD' ? undefined : object);
        case 'DELETE':
          objects.delete(key);
          res.writeHead(204);
          return res.end();
        default:
          return fail(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    bucket,
    accessKeyId,
    secretAccessKey,
    objects,
    openUploads: () => uploads.size,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
