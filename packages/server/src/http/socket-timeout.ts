import type { Server as HttpServer, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What happens when a connection has been silent for the server's connection timeout: an idle one, a
 * client that stopped sending its request or stopped reading the answer, is closed (a slow client
 * cannot hold connections open); one whose request is still being handled is left to get its answer.
 * Node's default closes that one too, without an answer — and a browser re-sends a request whose reused
 * connection closed unanswered (Chromium up to seven times, a POST included: checked 2 December 2026),
 * so one slow moment became the same request several times over, on the machine that was already slow.
 */
export function keepAnsweringOnSocketTimeout(server: Pick<HttpServer, 'on'>): void {
  server.on('timeout', (socket: Socket) => {
    const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (response && !response.headersSent) return; // the handler is still at work: its answer restarts the socket's timer
    socket.destroy();
  });
}
