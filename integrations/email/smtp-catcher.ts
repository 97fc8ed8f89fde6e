import net from 'node:net';
import path from 'node:path';
import { messageFolder, type MessageFolder } from './outbox-folder';

/**
 * A local SMTP catcher: speaks enough SMTP for nodemailer (EHLO, MAIL, RCPT, DATA, RSET,
 * QUIT), keeps every message it receives as an .eml file, and can answer chosen recipients
 * the way real mail servers refuse them (450: try later, 550: no such mailbox). It lets the
 * SMTP transport be exercised end to end without a mail server:
 *
 *   npx tsx integrations/email/smtp-catcher.ts      # then SMTP_URL=smtp://127.0.0.1:2525
 *
 * It is not a mail server: no TLS, no authentication, nothing is relayed.
 */
export interface SmtpCatcher {
  url: string;
  port: number;
  folder: MessageFolder;
  close(): Promise<void>;
}

export async function startSmtpCatcher(opts: { dir: string; port?: number; host?: string; refuse?: Record<string, 450 | 550> }): Promise<SmtpCatcher> {
  const folder = messageFolder(opts.dir, '.eml');
  const refuse = new Map(Object.entries(opts.refuse ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  let received = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let buffer = '';
    let data: string[] | null = null;
    let recipients = 0;
    reply('220 localhost ESMTP dossier-platform SMTP catcher');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (data) {
          if (line === '.') {
            received += 1;
            folder.putOnce(`${Date.now()}-${String(received).padStart(6, '0')}`, `${data.join('\r\n')}\r\n`);
            data = null;
            recipients = 0;
            reply(`250 2.0.0 Ok: queued as catcher-${received}`);
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-localhost\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n');
        else if (verb === 'HELO' || verb === 'NOOP') reply('250 Ok');
        else if (verb === 'MAIL') reply('250 2.1.0 Ok');
        else if (verb === 'RCPT') {
          const address = (/<([^>]*)>/.exec(line)?.[1] ?? '').toLowerCase();
          const code = refuse.get(address);
          if (code === 450) reply(`450 4.2.1 <${address}>: Mailbox temporarily unavailable`);
          else if (code === 550) reply(`550 5.1.1 <${address}>: Recipient address rejected: User unknown`);
          else {
            recipients += 1;
            reply('250 2.1.5 Ok');
          }
        } else if (verb === 'DATA') {
          if (!recipients) reply('554 5.5.1 Error: no valid recipients');
          else {
            data = [];
            reply('354 End data with <CR><LF>.<CR><LF>');
          }
        } else if (verb === 'RSET') {
          recipients = 0;
          reply('250 2.0.0 Ok');
        } else if (verb === 'QUIT') {
          reply('221 2.0.0 Bye');
          socket.end();
        } else reply('502 5.5.2 Error: command not recognized');
      }
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `smtp://${host}:${port}`,
    port,
    folder,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

if (require.main === module) {
  const dir = path.resolve(process.env.DATA_DIR || path.join(__dirname, '..', '..', 'data'), 'outbox', 'smtp');
  startSmtpCatcher({ dir, port: Number(process.env.SMTP_CATCHER_PORT || 2525) }).then((c) =>
    process.stdout.write(`SMTP catcher on ${c.url}, messages in ${dir}\n`),
  );
}
