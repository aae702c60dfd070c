// Finds the board's serial port by USB vendor id straight from sysfs (SerialPort.list() needs udevadm, which many machines lack).
import * as fs from "fs";
import * as path from "path";

export interface FoundPort {
    path: string;
    vendorId: string;
    productId?: string;
    product?: string;
}

/** Bridge makers by USB vendor id, for messages. */
export const VENDORS: Record<string, string> = { "10c4": "Silicon Labs CP210x", "1a86": "WCH CH340/CH9102", "0403": "FTDI", "303a": "Espressif USB" };

function readId(dir: string, file: string): string | undefined {
    try {
        return fs.readFileSync(path.join(dir, file), "utf8").trim().toLowerCase();
    } catch {
        return undefined;
    }
}

/**
 * Every tty backed by a USB device: /sys/class/tty/<name>/device points into the USB interface (ttyACM) or one level
 * below it (ttyUSB); the USB device that owns idVendor is a few parents up.
 */
export function listUsbSerialPorts(sysRoot = "/sys", devRoot = "/dev"): FoundPort[] {
    const classDir = path.join(sysRoot, "class", "tty");
    let names: string[];
    try {
        names = fs.readdirSync(classDir);
    } catch {
        return [];
    }
    const found: FoundPort[] = [];
    for (const name of names.sort()) {
        let dir: string;
        try {
            dir = fs.realpathSync(path.join(classDir, name, "device"));
        } catch {
            continue; // virtual terminals have no device
        }
        for (let up = 0; up < 5 && dir.length > 1; up++, dir = path.dirname(dir)) {
            const vendorId = readId(dir, "idVendor");
            if (vendorId === undefined) continue;
            found.push({ path: path.join(devRoot, name), vendorId, productId: readId(dir, "idProduct"), product: readId(dir, "product") });
            break;
        }
    }
    return found;
}

function describe(p: FoundPort): string {
    return `${p.path} (${p.vendorId}${p.productId ? ":" + p.productId : ""} ${VENDORS[p.vendorId] ?? p.product ?? "unknown bridge"})`;
}

/** The one port whose vendor id the board lists; refuses to guess between several. */
export function choosePort(vendorIds: string[], ports: FoundPort[]): string {
    const wanted = vendorIds.map(v => v.toLowerCase());
    const matches = ports.filter(p => wanted.includes(p.vendorId));
    const names = wanted.map(v => `${v} (${VENDORS[v] ?? "unknown"})`).join(", ");
    if (matches.length === 1) return matches[0].path;
    if (matches.length > 1) throw new Error(`several serial ports match the board's USB vendor ids: ${matches.map(describe).join(", ")}; pick one with --port`);
    const others = ports.length ? `; USB serial ports present: ${ports.map(describe).join(", ")}` : "; no USB serial port is present";
    throw new Error(`no serial port with USB vendor id ${names} found${others}. Connect the board, or pass --port`);
}
