import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Mail {
  to: string[];
  body: string;
}

/** A real SMTP server on a loopback port that keeps every message it receives. */
export class SmtpInbox {
  readonly mails: Mail[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData: (stream, session, callback) => {
      let body = '';
      stream.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      stream.on('end', () => {
        this.mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        callback();
      });
    },
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The newest message to this address (delivery is awaited by the routes that send). */
  lastTo(address: string): Mail | undefined {
    return this.mails.filter((m) => m.to.includes(address)).at(-1);
  }
}

/** The `#token=` of a link in a (possibly quoted-printable) message body. */
export const linkToken = (mail: Mail | undefined): string =>
  /#token=([A-Za-z0-9_-]+)/.exec((mail?.body ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '='))?.[1] ?? '';

export const unfold = (mail: Mail | undefined): string => (mail?.body ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
