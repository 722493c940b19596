import net from "node:net";

/**
 * Ports the OS considers free right now. All sockets are held open until every port is known,
 * so one call never returns the same port twice.
 */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = net.createServer();
      return new Promise<net.Server>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, host, () => resolve(server));
      });
    }),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** Resolves once something accepts TCP connections on host:port, or rejects with the socket error. */
export function canConnect(port: number, host = "127.0.0.1"): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    socket.once("error", (error) => {
      socket.destroy();
      reject(error);
    });
  });
}
