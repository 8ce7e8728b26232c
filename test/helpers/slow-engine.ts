/**
 * A deliberately slow Docker engine: a unix-socket proxy in front of the real engine socket that
 * holds every chunk the engine sends back for `delayMs` before passing it on (order kept). Point
 * kiln at it with DOCKER_HOST=unix://<socket>. Requests go through undelayed.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface SlowEngine {
  socket: string;
  dockerHost: string;
  /** connections accepted so far */
  connections(): number;
  close(): Promise<void>;
}

function upstreamSocket(env: NodeJS.ProcessEnv): string {
  const host = env.DOCKER_HOST;
  if (host?.startsWith("unix://")) return host.slice("unix://".length);
  return "/var/run/docker.sock";
}

export async function startSlowEngine(
  delayMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SlowEngine> {
  const upstream = upstreamSocket(env);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-slow-engine-"));
  const socket = path.join(dir, "docker.sock");
  let count = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    count++;
    const engine = net.connect(upstream);
    open.add(client).add(engine);
    const end = () => {
      client.destroy();
      engine.destroy();
      open.delete(client);
      open.delete(engine);
    };
    client.on("data", (chunk) => engine.write(chunk));
    client.on("end", () => engine.end());
    // every chunk (and the end) waits delayMs from its arrival, in arrival order
    const queue: { at: number; chunk: Buffer | null }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      timer = undefined;
      while (queue.length > 0 && queue[0].at <= Date.now()) {
        const { chunk } = queue.shift()!;
        if (client.destroyed || client.writableEnded) continue;
        if (chunk) client.write(chunk);
        else client.end();
      }
      if (queue.length > 0) timer = setTimeout(pump, Math.max(1, queue[0].at - Date.now()));
    };
    const push = (chunk: Buffer | null): void => {
      queue.push({ at: Date.now() + delayMs, chunk });
      timer ??= setTimeout(pump, delayMs);
    };
    engine.on("data", (chunk: Buffer) => push(chunk));
    engine.on("end", () => push(null));
    client.on("error", end);
    engine.on("error", end);
    client.on("close", () => {
      if (timer) clearTimeout(timer);
      end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, resolve);
  });
  return {
    socket,
    dockerHost: `unix://${socket}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
