import dns from 'node:dns';
import net from 'node:net';

/**
 * Which subscriber URLs the platform will call. The worker sits inside the centre's network,
 * so a URL is a way to make it send requests somewhere: only http(s), no credentials in the
 * URL (they would end up in logs and the delivery list), and, unless configured otherwise,
 * no loopback, private, link-local (cloud metadata) or otherwise non-public address, checked
 * when the subscription is saved and again on every connection (a name may be re-pointed).
 */
export interface UrlPolicy {
  allowPrivateNetworks: boolean;
}

const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata endpoints
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(prefix, bits, 'ipv6');
}

/** An IPv4 address carried inside an IPv6 one (mapped ::ffff:a.b.c.d, or NAT64 64:ff9b::/96). */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const m = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(lower);
  if (!m) return null;
  if (m[1]) return m[1];
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True for addresses that are not on the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return blocked.check(v4, 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true; // not an address at all: refuse rather than guess
}

/** The URL's host without the brackets of an IPv6 literal. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Problems that need no network: scheme, credentials, a literal non-public address. */
export function staticUrlProblem(raw: string, policy: UrlPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'không phải địa chỉ URL hợp lệ';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'chỉ chấp nhận địa chỉ http hoặc https';
  if (url.username || url.password) return 'không được chứa tên đăng nhập hoặc mật khẩu trong địa chỉ (dùng chữ ký HMAC để xác thực)';
  if (!url.hostname) return 'thiếu tên máy chủ';
  const host = bareHost(url);
  if (!policy.allowPrivateNetworks && net.isIP(host) && isNonPublicAddress(host)) return `địa chỉ ${host} thuộc mạng nội bộ hoặc dành riêng, không được phép`;
  return null;
}

/**
 * Everything wrong with a subscriber URL under `policy`, or null. When private networks are
 * refused the name is resolved, and every address it resolves to must be public.
 */
export async function subscriberUrlProblem(raw: string, policy: UrlPolicy): Promise<string | null> {
  const problem = staticUrlProblem(raw, policy);
  if (problem || policy.allowPrivateNetworks) return problem;
  const host = bareHost(new URL(raw));
  if (net.isIP(host)) return null;
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    return `không phân giải được tên máy chủ ${host}`;
  }
  const inner = addresses.find((a) => isNonPublicAddress(a.address));
  return inner ? `${host} trỏ tới địa chỉ nội bộ ${inner.address}, không được phép` : null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses non-public answers: the check happens on the very
 * addresses the socket connects to, so a name re-pointed after it was saved gains nothing.
 */
export function guardedLookup(policy: UrlPolicy) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, verbatim: true }, ((err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => {
      if (err || policy.allowPrivateNetworks) return callback(err, address, family);
      const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const inner = list.find(isNonPublicAddress);
      if (inner) {
        const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to non-public address ${inner}; refused by the webhook URL policy`);
        refused.code = 'EWEBHOOKPOLICY';
        return callback(refused, address, family);
      }
      callback(null, address, family);
    }) as never);
  };
}
