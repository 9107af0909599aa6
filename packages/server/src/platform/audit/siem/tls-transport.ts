import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

/** Where a batch of framed messages goes. `send` resolves only once the receiver has them. */
export interface SiemTransport {
  /** For messages: `tls://host:port`. */
  readonly description: string;
  send(frames: readonly Buffer[], signal?: AbortSignal): Promise<void>;
}

export interface TlsSyslogTarget {
  host: string;
  port: number;
  /** PEM file of the CA(s) that sign the receiver's certificate; the system's CAs when absent. Read at every connection (so it may be rotated). */
  caFile?: string;
  /** Name checked against the receiver's certificate and sent as SNI (default: the host, unless it is an IP address). */
  servername?: string;
  /** Connect, handshake, write and close must each make progress within this time (default 10 s). */
  timeoutMs?: number;
}

export class SiemTransportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SiemTransportError';
  }
}

/**
 * Syslog over TLS (RFC 5425) with node:tls: the receiver's certificate must verify against the CA
 * and match the server name (never disabled); TLS 1.2 or later.
 *
 * Each batch goes in its own TLS session: connect, write every frame, wait for the socket's write
 * callback, then close our side (close_notify + FIN) and wait for the receiver to close its side.
 * A receiver closes after it has read up to our end of stream; one that goes away with unread data
 * resets the connection instead. Only a clean close resolves — so a batch that a stopping receiver
 * did not read fails and is sent again, never counted as shipped. (Syslog has no acknowledgement:
 * what the receiver does with a message it has read is up to its own queue configuration.)
 */
export function tlsSyslogTransport(target: TlsSyslogTarget): SiemTransport {
  const hostForUrl = net.isIPv6(target.host) ? `[${target.host}]` : target.host;
  const description = `tls://${hostForUrl}:${target.port}`;
  const timeoutMs = target.timeoutMs ?? 10_000;
  const servername = target.servername ?? (net.isIP(target.host) ? undefined : target.host);

  return {
    description,
    send(frames, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(new SiemTransportError(`sending to ${description} was cancelled`));
        let ca: Buffer | undefined;
        if (target.caFile) {
          try {
            ca = readFileSync(target.caFile);
          } catch (error) {
            return reject(new SiemTransportError(`cannot read the SIEM CA file ${target.caFile}`, { cause: error }));
          }
        }
        let settled = false;
        let weEnded = false;
        let peerEnded = false;
        const socket = tls.connect({
          host: target.host,
          port: target.port,
          ...(servername ? { servername } : {}),
          ...(ca ? { ca } : {}),
          rejectUnauthorized: true,
          minVersion: 'TLSv1.2',
        });
        const onAbort = () => fail(new SiemTransportError(`sending to ${description} was cancelled`));
        const finish = () => {
          signal?.removeEventListener('abort', onAbort);
        };
        const fail = (error: Error) => {
          if (settled) return;
          settled = true;
          finish();
          socket.destroy();
          reject(error instanceof SiemTransportError ? error : new SiemTransportError(`${description}: ${error.message}`, { cause: error }));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        socket.setTimeout(timeoutMs, () => fail(new SiemTransportError(`${description}: no progress within ${timeoutMs} ms`)));
        socket.on('error', fail);
        // A syslog receiver sends nothing; read (and drop) whatever comes, so that its close is seen.
        socket.on('data', () => undefined);
        socket.once('end', () => {
          if (!weEnded) return fail(new SiemTransportError(`${description} closed the connection before the batch was complete`));
          peerEnded = true;
        });
        socket.once('close', (hadError) => {
          if (settled) return;
          if (hadError || !peerEnded) return fail(new SiemTransportError(`${description}: the connection was closed without a clean close by the receiver`));
          settled = true;
          finish();
          resolve();
        });
        socket.once('secureConnect', () => {
          socket.write(Buffer.concat(frames), (error) => {
            if (error) return fail(error);
            weEnded = true;
            socket.end();
          });
        });
      });
    },
  };
}
