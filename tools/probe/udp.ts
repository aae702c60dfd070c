// UDP receive sockets: RTP/RTCP port pairs, multicast joins, arrival timestamps taken in the message handler.

import * as dgram from "node:dgram";
import { ProbeError } from "./errors";
import { isMulticast } from "./sdp";

export type DatagramHandler = (msg: Buffer, arrivalNs: bigint) => void;

const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

function family(address: string | undefined): "udp4" | "udp6" {
  return address && address.includes(":") ? "udp6" : "udp4";
}

/** Binds one socket; rejects with a ProbeError when the port is taken. */
export function bindSocket(port: number, address?: string, reuseAddr = false): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: family(address), reuseAddr });
    const onError = (err: NodeJS.ErrnoException) => {
      socket.close();
      reject(new ProbeError("SOCKET", `cannot bind UDP ${address ?? "*"}:${port}: ${err.code ?? err.message}`));
    };
    socket.once("error", onError);
    socket.bind({ port, address, exclusive: !reuseAddr }, () => {
      socket.off("error", onError);
      try {
        socket.setRecvBufferSize(RECV_BUFFER_BYTES);
      } catch {
        // The kernel may cap the size; the default still works.
      }
      resolve(socket);
    });
  });
}

/** Binds an even RTP port and the odd RTCP port after it (RFC 3550 §11), trying a few random pairs. */
export async function bindPortPair(address = "0.0.0.0"): Promise<{ rtp: dgram.Socket; rtcp: dgram.Socket }> {
  for (let attempt = 0; attempt < 32; attempt++) {
    const even = 2 * Math.floor(Math.random() * 12000) + 40000;
    let rtp: dgram.Socket | undefined;
    try {
      rtp = await bindSocket(even, address);
      const rtcp = await bindSocket(even + 1, address);
      return { rtp, rtcp };
    } catch {
      rtp?.close();
    }
  }
  throw new ProbeError("SOCKET", "cannot find a free even/odd UDP port pair");
}

/**
 * Binds the port an SDP or rtp:// URL names. A multicast address is joined (source-specific when
 * sources are given); a unicast address is bound as the local address.
 */
export async function bindMediaSocket(
  address: string | null,
  port: number,
  opts: { sources?: string[]; iface?: string } = {},
): Promise<dgram.Socket> {
  const mcast = address !== null && isMulticast(address);
  const bindAddr = mcast ? (address!.includes(":") ? "::" : "0.0.0.0") : (address ?? "0.0.0.0");
  const socket = await bindSocket(port, bindAddr, mcast);
  if (mcast) {
    try {
      if (opts.sources && opts.sources.length > 0) {
        for (const src of opts.sources) socket.addSourceSpecificMembership(src, address!, opts.iface);
      } else {
        socket.addMembership(address!, opts.iface);
      }
    } catch (err) {
      socket.close();
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new ProbeError("SOCKET", `cannot join multicast group ${address}: ${code}`);
    }
  }
  return socket;
}

/** Routes every datagram to the handler with its arrival time, taken first thing in the handler. */
export function listen(socket: dgram.Socket, handler: DatagramHandler, onError: (err: Error) => void): void {
  socket.on("message", (msg) => {
    const arrivalNs = process.hrtime.bigint();
    handler(msg, arrivalNs);
  });
  socket.on("error", onError);
}

/** Closes sockets, ignoring those already closed. */
export function closeAll(sockets: dgram.Socket[]): void {
  for (const s of sockets) {
    try {
      s.close();
    } catch {
      // already closed
    }
  }
}
