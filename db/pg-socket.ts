import net from 'node:net';

/** The connection options postgres.js hands its `socket` function (its parsed URL). */
type SocketOptions = { host: string[]; port: number[]; path?: string | false };

/**
 * postgres.js's sockets with Nagle's algorithm off (TCP_NODELAY), as libpq and pgbouncer set
 * theirs. postgres.js leaves it on, and a small message written while the previous segment
 * awaits its ACK — a COPY's CopyDone, the next statement of a batch — is held until the
 * server's delayed ACK, up to 40 ms on Linux: the queue_log ingest on PostgreSQL spent two
 * thirds of its time so, both ends idle (docs/calls-ingest.md, "Nagle").
 *
 * postgres.js, given a `socket` function, does not connect it itself: this one connects (hosts
 * in turn, as postgres.js does with several) and hands the socket over at once; what is written
 * before the connection is up waits in the socket, and a refused connection is the socket's
 * 'error', which postgres.js listens to as for its own sockets.
 */
export function socketWithoutNagle(): (o: SocketOptions) => net.Socket {
  let next = 0;
  return (o) => {
    if (o.path) return net.connect(o.path);
    const i = next % o.host.length;
    next += 1;
    const host = o.host[i]!;
    const port = o.port[i] ?? o.port[0]!;
    // host and port kept on the socket: postgres.js reads them for TLS's servername and errors.
    return Object.assign(net.connect({ host, port, noDelay: true }), { host, port });
  };
}
