// The board's wiring as the emulator checks it: GPIO, SPI bus, SD slot and card, Ethernet PHY power and link, encoder.
import type { Board } from "../../boards/board";
import type { LuaVm } from "../harness/lua-vm";
import type { EmulatedFiles } from "./files";

export interface TraceEvent {
    atMs: number;
    what: string;
    detail: string;
}

export interface HwEvents {
    /** Raises an eth event on the Lua task ("got_ip 10.0.0.2 255.0.0.0 10.0.0.1"). */
    eth(line: string, afterMs: number): void;
    log(line: string): void;
}

/** Constants of prelude-net.lua. */
const PHY: Record<string, number> = { DP83848: 0, IP101: 1, KSZ80XX: 2, LAN87XX: 3, RTL8201: 4 };
const SLOT = { HS2: 1, SPI2: 2 };
const HSPI = 1;
/** Less than this between switching PHY power on and eth.init, and the probe reads a wrong chip id (Olimex forum t=9247). */
export const PHY_SETTLE_MIN_MS = 10;

export class EmulatedHw {
    readonly trace: TraceEvent[] = [];
    private levels = new Map<number, { level: number; atMs: number }>();
    private spiBus?: { sclk: number; mosi: number; miso: number };
    private cardSlot?: number;
    private ethUp = false;

    constructor(private readonly board: Board, private readonly files: EmulatedFiles, private readonly now: () => number, private readonly events: HwEvents, readonly address = "127.0.0.1") {}

    private note(what: string, detail: string): void {
        this.trace.push({ atMs: this.now(), what, detail });
    }

    wire(vm: LuaVm): void {
        const answer = (s: string | Buffer): void => vm.feed(s);
        vm.handle("Gc", ([pin, dir]) => this.note("gpio.config", `${pin} dir ${dir}`));
        vm.handle("Gw", ([pin, level]) => {
            this.levels.set(Number(pin), { level: Number(level), atMs: this.now() });
            this.note("gpio.write", `${pin} ${level}`);
        });
        vm.handle("Gr", ([pin]) => answer(`${this.levels.get(Number(pin))?.level ?? 0}\n`));
        vm.handle("Sm", ([host, sclk, mosi, miso]) => {
            this.note("spi.master", `host ${host} sclk ${sclk} mosi ${mosi} miso ${miso}`);
            // spi_master.c compares SPI2_HOST twice: VSPI (SPI3) is refused.
            if (Number(host) !== HSPI) return answer("0 bad argument #1 to 'master' (invalid host)\n");
            this.spiBus = { sclk: Number(sclk), mosi: Number(mosi), miso: Number(miso) };
            answer("1\n");
        });
        vm.handle("Sf", () => (this.spiBus = undefined));
        vm.handle("Di", args => answer(this.sdInit(args.map(Number))));
        vm.handle("Dm", ([slot], blob) => answer(this.mount(Number(slot), Buffer.from(blob).toString("latin1"))));
        vm.handle("Du", () => (this.files.mountPoint = undefined));
        vm.handle("Ei", args => answer(this.ethInit(args.map(Number))));
        for (const [op, fn] of Object.entries(CODECS)) {
            vm.handle(op, (_a, blob) => {
                const out = fn(Buffer.from(blob));
                if (out === undefined) return answer("0 invalid input\n");
                answer(`1\n${out.length}\n`);
                answer(out);
            });
        }
    }

    private sdInit([slot, cs]: number[]): string {
        const sd = this.board.sd;
        this.note("sdmmc.init", `slot ${slot} cs ${cs}`);
        if (!sd || this.files.options.sdDir === undefined) return "0 failed to init card\n";
        if (this.cardSlot !== undefined) return "0 too many cards\n";
        if (sd.interface === "spi") {
            const p = sd.pins;
            const bus = this.spiBus;
            // IDF 5's sdmmc.init ignores the data pins: the card only answers if spi.master set the board's bus up.
            if (slot !== SLOT.SPI2 || cs !== p.cs || !bus || bus.sclk !== p.sclk || bus.mosi !== p.mosi || bus.miso !== p.miso) return "0 failed to init card\n";
        } else if (slot !== SLOT.HS2) {
            return "0 failed to init card\n";
        } else if (this.ethUp && this.board.ethernet?.powerPinKind === "switch" && this.board.ethernet.powerPin === 12) {
            // Inferred from sdmmc.c: slot 1 is set up 4-bit whatever the width, taking GPIO12 (the PHY power switch).
            this.note("phy", "power lost: sdmmc.init took GPIO12");
            this.ethUp = false;
            this.events.eth("disconnected", 1);
        }
        this.cardSlot = slot;
        return "1\n";
    }

    private mount(slot: number, path: string): string {
        this.note("mount", path);
        if (slot !== this.cardSlot) return "0\n";
        if (this.files.mountPoint !== undefined) return "-1 already mounted\n";
        this.files.mountPoint = path;
        return "1\n";
    }

    private ethInit([phy, addr, mdc, mdio, power]: number[]): string {
        const e = this.board.ethernet;
        this.note("eth.init", `phy ${phy} addr ${addr} mdc ${mdc} mdio ${mdio} power ${power}`);
        if (this.ethUp) return "0 ethernet interface already set up\n";
        if (mdc < 0 || mdio < 0) return "0 bad argument (mdc/mdio required)\n";
        const fail = (why: string): string => {
            this.note("phy", why);
            return "0 failed to init ethernet, code 263\n";
        };
        if (!e) return fail("no PHY on this board");
        if (phy !== PHY[e.phy] || mdc !== e.mdc || mdio !== e.mdio || (addr !== -1 && addr !== e.address)) return fail("no PHY answers at that address/bus");
        if (e.powerPinKind === "switch") {
            const pin = this.levels.get(e.powerPin);
            if (power === e.powerPin) return fail("powered while probed (IDF pulses 'power' with no wait): wrong chip ID");
            if (!pin || pin.level !== 1) return fail("PHY unpowered");
            if (this.now() - pin.atMs < PHY_SETTLE_MIN_MS) return fail("PHY powered too recently: wrong chip ID");
        } else if (e.powerPinKind === "reset" && power !== e.powerPin) {
            return fail("PHY held in reset (reset line not passed as power)");
        }
        this.ethUp = true;
        this.events.eth("start", 5);
        this.events.eth("connected", 20);
        this.events.eth(`got_ip ${this.address} 255.0.0.0 ${this.address}`, 40);
        return "1\n";
    }
}

const CODECS: Record<string, (b: Buffer) => Buffer | undefined> = {
    E64: b => Buffer.from(b.toString("base64"), "latin1"),
    D64: b => (/^[A-Za-z0-9+/]*={0,2}$/.test(b.toString("latin1")) && b.length % 4 === 0 ? Buffer.from(b.toString("latin1"), "base64") : undefined),
    EHx: b => Buffer.from(b.toString("hex"), "latin1"),
    DHx: b => (/^([0-9a-fA-F]{2})*$/.test(b.toString("latin1")) ? Buffer.from(b.toString("latin1"), "hex") : undefined),
};
