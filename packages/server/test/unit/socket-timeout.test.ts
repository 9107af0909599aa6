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

/**
 * Sends `requests` on one connection after `idleFirstMs` of silence, waits 1.5 s, then hangs up itself;
 * what came back, and whether the server had closed the connection first.
 */
function converse(port: number, requests: string[], idleFirstMs = 0): Promise<{ received: string; closedByServer: boolean; beforeRequests: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let sent = false;
    let hungUp = false;
    socket.on('data', (data) => {
      received += data.toString();
    });
    socket.on('close', () => resolve({ received, closedByServer: !hungUp, beforeRequests: !sent }));
    socket.on('error', () => undefined);
    socket.on('connect', async () => {
      await new Promise((r) => setTimeout(r, idleFirstMs));
      if (socket.destroyed) return;
      sent = true;
      for (const path of requests) socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      setTimeout(() => {
        hungUp = true;
        socket.destroy();
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
    const result = await converse(port, requests);
    expect([...result.received.matchAll(/answered (\/[a-z]+)/g)].map((m) => m[1])).toEqual(answered);
    expect(result.closedByServer).toBe(closedByServer);
  });

  it('is closed when idle (no request sent), so a silent client cannot hold it', async () => {
    const port = await serverWith(true);
    const result = await converse(port, ['/fast'], 1_000);
    expect(result).toEqual({ received: '', closedByServer: true, beforeRequests: true });
  });
});
