// One multicast channel: a playlist played file after file into a multicast group (and to RTSP receivers that joined it).
import { Hal, Timer, UdpSocket } from "../../hal/interfaces";
import { FanOutSink, UdpSink } from "../rtsp/sinks";
import { int } from "../rtsp/text";
import { MediaInfo } from "../protocol/media";
import { StreamControl, StreamView } from "../stream/control";

export interface ChannelConfig {
    /** Name in URLs (rtsp://host:port/channel/<name>) and in the SAP announcement. */
    name: string;
    /** Card paths, played in order. */
    files: string[];
    /** Start again at the first file after the last (default true). */
    loop?: boolean;
    /** Multicast group and even RTP port (RTCP on port + 1). */
    group: string;
    port?: number;
    /** Announced TTL (the HAL cannot set it; boards send with their stack's default). */
    ttl?: number;
}

export type ChannelState = "starting" | "playing" | "waiting" | "stopped";

/** Seconds before a channel whose files all failed tries again. */
const RETRY_US = 5000000;

export class Channel {
    readonly sink: FanOutSink;
    readonly port: number;
    readonly ttl: number;
    readonly loop: boolean;
    stream?: StreamView;
    /** Media of the file playing or last played (a SAP deletion still describes the session). */
    media?: MediaInfo;
    state: ChannelState = "stopped";
    /** Index of the file playing (or being opened). */
    index = 0;
    /** Bumped whenever the description changes (a new file): SAP receivers must see a new version. */
    version = 0;
    /** Files that failed to open in a row. */
    private failures = 0;
    private retry?: Timer;
    /** Called when the channel starts a file or stops (the announcement changes). */
    onChange?: (this: void, channel: Channel) => void;

    constructor(
        private readonly hal: Hal,
        private readonly control: StreamControl,
        rtp: UdpSocket,
        rtcp: UdpSocket,
        readonly name: string,
        readonly files: string[],
        readonly group: string,
        config: ChannelConfig,
        private readonly priority: number,
    ) {
        this.port = config.port ?? 5004;
        this.ttl = config.ttl ?? 1;
        this.loop = config.loop !== false;
        this.sink = new FanOutSink(new UdpSink(hal, rtp, rtcp, group, this.port, this.port + 1));
    }

    start(): void {
        if (this.files.length === 0) return;
        this.index = 0;
        this.failures = 0;
        this.open();
    }

    private open(): void {
        this.state = "starting";
        const path = this.files[this.index];
        this.control.open(path, this.sink, this.priority, (stream, refusal) => {
            if (this.state !== "starting") {
                // Closed while the file was being opened.
                if (stream !== undefined) this.control.close(stream);
                return;
            }
            if (stream === undefined) {
                this.hal.log(`channel ${this.name}: cannot play ${path}: ${refusal !== undefined ? refusal.reason : "refused"}`);
                this.failures++;
                if (this.failures >= this.files.length) return this.wait();
                return this.advance();
            }
            this.failures = 0;
            this.stream = stream;
            this.media = stream.media;
            this.state = "playing";
            this.version++;
            this.control.play(stream);
            const f = this.onChange;
            if (f !== undefined) f(this);
        });
    }

    /** Moves to the next file (or stops at the end of a list that does not loop). */
    private advance(): void {
        this.index++;
        if (this.index >= this.files.length) {
            if (!this.loop) return this.stop();
            this.index = 0;
        }
        this.open();
    }

    /** Every file failed: try again later rather than spin. */
    private wait(): void {
        this.state = "waiting";
        this.failures = 0;
        if (this.retry === undefined) {
            this.retry = this.hal.createTimer({
                onFire: () => {
                    if (this.state === "waiting") this.advance();
                },
            });
        }
        this.retry.at(this.hal.clock.nowUs() + RETRY_US);
    }

    /** The core reports a stream's end; true if it was this channel's. */
    ended(stream: StreamView): boolean {
        if (this.stream === undefined || this.stream.id !== stream.id) return false;
        this.control.close(stream);
        this.stream = undefined;
        if (this.state === "playing") this.advance();
        return true;
    }

    stop(): void {
        const wasPlaying = this.state === "playing";
        this.state = "stopped";
        this.retry?.close();
        this.retry = undefined;
        if (this.stream !== undefined) this.control.close(this.stream);
        this.stream = undefined;
        const f = this.onChange;
        if (wasPlaying && f !== undefined) f(this);
    }

    statusLine(): string {
        const file = this.files[this.index] ?? "";
        const stream = this.stream !== undefined ? ` stream=${int(this.stream.id)}` : "";
        return `channel.${this.name}: group=${this.group}:${int(this.port)} state=${this.state} file=${file} index=${int(this.index + 1)}/${int(this.files.length)} loop=${this.loop ? "yes" : "no"} subscribers=${int(this.sink.subscribers.length)}${stream}`;
    }
}
