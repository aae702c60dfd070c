// The multicast channels of a board, from the config the CLI hands over: starts them, routes stream ends, announces them.
import { Hal, UdpSocket } from "../../hal/interfaces";
import { StreamControl, StreamView } from "../stream/control";
import { Channel, ChannelConfig } from "./channel";
import { SapAnnouncer, SapConfig } from "./sap";

export { Channel };
export type { ChannelConfig, SapConfig };

export interface ChannelsConfig {
    channels: ChannelConfig[];
    sap?: SapConfig;
}

export class ChannelSet {
    readonly list: Channel[] = [];
    private readonly byName = new LuaTable<string, Channel>();
    readonly sap?: SapAnnouncer;

    constructor(hal: Hal, control: StreamControl, rtp: UdpSocket, rtcp: UdpSocket, config: ChannelsConfig, priority: number) {
        for (const c of config.channels) {
            if (this.byName.get(c.name) !== undefined) {
                hal.log(`channels: duplicate channel name ${c.name}, ignored`);
                continue;
            }
            const channel = new Channel(hal, control, rtp, rtcp, c.name, c.files, c.group, c, priority);
            this.list.push(channel);
            this.byName.set(c.name, channel);
        }
        if (config.sap?.enabled !== false && this.list.length > 0) {
            const sap = new SapAnnouncer(hal, rtp, this.list, config.sap ?? {});
            for (const c of this.list) c.onChange = ch => sap.changed(ch);
            this.sap = sap;
        }
    }

    start(): void {
        for (const c of this.list) c.start();
    }

    get(name: string): Channel | undefined {
        return this.byName.get(name);
    }

    /** Routes a stream's end to its channel; false when no channel owns it. */
    ended(stream: StreamView): boolean {
        for (const c of this.list) if (c.ended(stream)) return true;
        return false;
    }

    statusLines(): string[] {
        const out: string[] = [];
        for (const c of this.list) out.push(c.statusLine());
        return out;
    }

    close(): void {
        this.sap?.close();
        for (const c of this.list) c.stop();
    }
}
