import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { keepAnsweringOnSocketTimeout } from '../../src/http/socket-timeout.js';

/**
 * A connection silent for the server's timeout (300 ms here): closed when idle, left alone while its
 * request is still being handled (a handler of 800 ms answers). Without the listener Node closes the
 * busy one unanswered too, which is what made browsers re-send requests.
 */
const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function serverWith(listener: boolean): Promise<number> {
  const server = http.createServer((request, response) => {
    setTimeout(() => response.end(`answered ${request.url}`), request.url === '/slow' ? 800 : 0);
  });
  server.setTimeout(300);
  if (listener) keepAnsweringOnSocketTimeout(server);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** Sends `requests` one after another on one connection; what came back and whether the server closed it. */
function converse(port: number, requests: string[], idleFirstMs = 0): Promise<{ received: string; closedAfterMs: number | null }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const started = Date.now();
    let received = '';
    let closedAfterMs: number | null = null;
    socket.on('data', (data) => {
      received += data.toString();
    });
    socket.on('close', () => {
      closedAfterMs = Date.now() - started;
      resolve({ received, closedAfterMs });
    });
    socket.on('error', () => undefined);
    socket.on('connect', async () => {
      await new Promise((r) => setTimeout(r, idleFirstMs));
      if (socket.destroyed) return;
      for (const path of requests) socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      setTimeout(() => {
        socket.destroy();
        resolve({ received, closedAfterMs });
      }, 1_500);
    });
  });
}

describe('a connection silent for the server timeout', () => {
  it.each([
    { listener: true, requests: ['/fast', '/slow'], answered: ['/fast', '/slow'], closedByServer: false },
    { listener: false, requests: ['/fast', '/slow'], answered: ['/fast'], closedByServer: true },
  ])('with the listener $listener: $requests on one connection → answered $answered', async ({ listener, requests, answered, closedByServer }) => {
    const port = await serverWith(listener);
    const { received, closedAfterMs } = await converse(port, requests);
    expect([...received.matchAll(/answered (\/[a-z]+)/g)].map((m) => m[1])).toEqual(answered);
    expect(closedAfterMs !== null && closedAfterMs < 1_400).toBe(closedByServer);
  });

  it('is closed when idle (no request sent), so a silent client cannot hold it', async () => {
    const port = await serverWith(true);
    const { received, closedAfterMs } = await converse(port, ['/fast'], 1_000);
    expect(received).toBe('');
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs as number).toBeLessThan(1_000);
  });
});
