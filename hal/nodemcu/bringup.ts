// Board bring-up from the board file: SD card first (SDMMC 1-bit or SPI), then PHY power and Ethernet, then GC settings.
import type { Board } from "../../boards/board";

/** Time the PHY gets between its power switch and eth.init's probe (not measured; LAN87xx needs tens of ms). */
export const PHY_POWER_SETTLE_MS = 100;

/** Objects whose __gc would free the SPI bus or the card: kept for the board's life. */
const keep = new LuaTable<string, unknown>();

function initSpiBus(host: number, pins: { sclk: number; mosi: number; miso: number }): SpiMaster {
    return spi.master(host, pins);
}
function initCard(slot: number, config: { cs_pin?: number; fmax?: number; width?: number }): SdCard {
    return sdmmc.init(slot, config);
}
function mountCard(card: SdCard, path: string): boolean {
    return card.mount(path);
}
function ethInit(config: EthInitConfig): void {
    eth.init(config);
}

/** Mounts the card at the board's mount point; returns undefined when mounted, or why not. */
export function mountSd(board: Board): string | undefined {
    const sd = board.sd;
    if (sd === undefined) return "the board has no SD slot";
    let card: SdCard | undefined;
    if (sd.interface === "spi") {
        const p = sd.pins;
        if (p.sclk === undefined || p.mosi === undefined || p.miso === undefined || p.cs === undefined) return "SD over SPI needs sclk, mosi, miso and cs pins";
        // IDF 5 ignores the data pins in sdmmc.init: the bus is set up first, and only SPI2 (HSPI) passes spi.master's check.
        const [busOk, bus] = pcall(initSpiBus, spi.HSPI, { sclk: p.sclk, mosi: p.mosi, miso: p.miso });
        if (!busOk) return `spi.master: ${bus}`;
        keep.set("bus", bus);
        const [ok, c] = pcall(initCard, sdmmc.SPI2, { cs_pin: p.cs, fmax: sd.maxFrequencyHz });
        if (!ok) return `sdmmc.init: ${c}`;
        card = c;
    } else {
        const [ok, c] = pcall(initCard, sdmmc.HS2, { width: sdmmc.W1BIT, fmax: sd.maxFrequencyHz });
        if (!ok) return `sdmmc.init: ${c}`;
        card = c;
    }
    keep.set("card", card);
    const [ok, mounted] = pcall(mountCard, card, sd.mountPoint);
    if (!ok) return `mount ${sd.mountPoint}: ${mounted}`;
    if (mounted !== true) return `mount ${sd.mountPoint} failed (no card, or not FAT?)`;
    return undefined;
}

/** eth.PHY_<name>, falling back to the deprecated names older builds have. */
function phyConstant(name: string): number | undefined {
    const constants = eth as unknown as LuaTable<string, number>;
    const aliases: Record<string, string> = { LAN87XX: "LAN8720", KSZ80XX: "KSZ8081" };
    return constants.get(`PHY_${name}`) ?? (aliases[name] !== undefined ? constants.get(`PHY_${aliases[name]}`) : undefined);
}

/** Starts Ethernet (DHCP); onAddress runs at each got_ip. Call after mountSd: sdmmc.init may drive the PHY power pin. */
export function startEthernet(board: Board, log: (this: void, line: string) => void, onAddress: (this: void, ip: string) => void): void {
    const e = board.ethernet;
    if (e === undefined) return;
    const phy = phyConstant(e.phy);
    if (phy === undefined) {
        log(`ethernet: this firmware has no eth.PHY_${e.phy}`);
        return;
    }
    eth.on("got_ip", (_event, info) => {
        log(`ethernet: address ${info.ip} netmask ${info.netmask} gateway ${info.gw}`);
        onAddress(info.ip);
    });
    eth.on("connected", () => log("ethernet: link up"));
    eth.on("disconnected", () => log("ethernet: link down"));
    const config: EthInitConfig = { phy, addr: e.address, mdc: e.mdc, mdio: e.mdio };
    // A reset line is IDF's to pulse; a power switch must be on before the PHY is probed, or it reads a wrong chip id.
    if (e.powerPinKind === "reset") config.power = e.powerPin;
    const init = (): void => {
        const [ok, err] = pcall(ethInit, config);
        if (!ok) log(`ethernet: ${err}`);
    };
    if (e.powerPinKind !== "switch") {
        init();
        return;
    }
    gpio.config({ gpio: e.powerPin, dir: gpio.OUT });
    gpio.write(e.powerPin, 1);
    const t = tmr.create();
    keep.set("phyTimer", t);
    t.alarm(PHY_POWER_SETTLE_MS, tmr.ALARM_SINGLE, () => {
        keep.delete("phyTimer");
        t.unregister();
        init();
    });
}

/**
 * GC for a heap that is mostly a long-lived buffer pool: start a cycle after 10% growth instead of 100% (Lua's default
 * would let a 70 KB heap reach 140 KB) and finish it quickly. 5.1 builds also drop EGC_ALWAYS (a full collection on
 * every allocation) for collection on allocation failure. Values are not measured on a board yet.
 */
export function configureGc(): void {
    const egc = node.egc;
    if (egc !== undefined) egc.setmode(egc.ON_ALLOC_FAILURE);
    collectgarbage("setpause", 110);
    collectgarbage("setstepmul", 400);
}
