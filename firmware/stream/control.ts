// The control plane's view of the streaming core (used by RTSP and multicast channels): describe, admit, play, pause, seek, stop.
import { MediaInfo } from "../protocol/media";

/** Where a stream's packets go: UDP unicast/multicast or RTSP-interleaved TCP. Owned by the control plane. */
export interface PacketSink {
    /**
     * Sends one RTP packet; false if the stack refused it (counted as a send error, never retried late). `departUs`: its
     * media time on the board's clock, for a socket that can hold a datagram until then (the sender's lead, see timing).
     */
    sendRtp(packet: string, departUs?: number): boolean;
    /** Sends one RTCP compound packet. */
    sendRtcp(packet: string): boolean;
}

export interface StreamRefusal {
    /** RTSP status that fits: 404 no such file, 415 not playable, 453 not enough bandwidth/buffers, 500 other. */
    code: 404 | 415 | 453 | 500;
    reason: string;
}

export type StreamState = "ready" | "playing" | "paused" | "ended" | "closed";

/** A stream as the control plane sees it (a row of the stream table). */
export interface StreamView {
    readonly id: number;
    readonly path: string;
    readonly media: MediaInfo;
    readonly ssrc: number;
    readonly state: StreamState;
    /** Packets and payload bytes sent, packets dropped as stale, send errors. */
    readonly packetsSent: number;
    readonly octetsSent: number;
    readonly dropped: number;
    readonly sendErrors: number;
}

export interface PlayInfo {
    /** Sequence number and RTP timestamp of the first packet to be sent (RTSP RTP-Info). */
    seq: number;
    rtptime: number;
    /** Media position actually started from (aligned to a packet), in microseconds (RTSP Range npt). */
    startUs: number;
}

export interface StreamControl {
    /** Identifies a file's format without admitting anything (DESCRIBE). The callback may run before describe returns. */
    describe(path: string, onDone: (this: void, media: MediaInfo | undefined, refusal: StreamRefusal | undefined) => void): void;
    /** Admits a stream (SETUP): reserves its buffers and bandwidth, or refuses with a reason; admitted streams are untouched. */
    open(
        path: string,
        sink: PacketSink,
        priority: number,
        onDone: (this: void, stream: StreamView | undefined, refusal: StreamRefusal | undefined) => void,
    ): void;
    /** Starts or resumes sending; with fromUs, seeks there first (RTSP PLAY with Range). */
    play(stream: StreamView, fromUs?: number): PlayInfo;
    pause(stream: StreamView): void;
    /** Sends RTCP BYE, releases the reservation. Idempotent. */
    close(stream: StreamView): void;
    /** Called when a stream ends by itself (end of file, or a read error): after its BYE. */
    setOnEnded(handler: (this: void, stream: StreamView, reason: string) => void): void;
    /** Streams in the table. */
    streams(): StreamView[];
}
