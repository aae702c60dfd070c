// Port discovery reads USB vendor ids from sysfs (no udevadm) and refuses to guess between several matching ports.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { choosePort, listUsbSerialPorts } from "../tools/flash/ports";
import { removeTempDirs, tempDir } from "./flash-support";

/** A sysfs tree as Linux lays it out: ttyUSB one level under the USB interface, ttyACM right in it. */
function fakeSys(ports: Array<{ name: string; vendor: string; product?: string; acm?: boolean }>): string {
    const root = tempDir("sys");
    fs.mkdirSync(path.join(root, "class", "tty"), { recursive: true });
    ports.forEach((p, i) => {
        const usbDev = path.join(root, "devices", "pci0000:00", "usb1", `1-${i + 1}`);
        const iface = path.join(usbDev, `1-${i + 1}:1.0`);
        const device = p.acm ? iface : path.join(iface, p.name);
        fs.mkdirSync(device, { recursive: true });
        fs.writeFileSync(path.join(usbDev, "idVendor"), `${p.vendor}\n`);
        fs.writeFileSync(path.join(usbDev, "idProduct"), `${p.product ?? "7523"}\n`);
        const cls = path.join(root, "class", "tty", p.name);
        fs.mkdirSync(cls);
        fs.symlinkSync(device, path.join(cls, "device"));
    });
    // A virtual console: no device link at all.
    fs.mkdirSync(path.join(root, "class", "tty", "tty0"));
    return root;
}

describe("serial port discovery by USB vendor id", () => {
    after(removeTempDirs);

    it("finds ttyUSB and ttyACM ports with their vendor ids, skipping virtual terminals", () => {
        const sys = fakeSys([{ name: "ttyUSB0", vendor: "1a86" }, { name: "ttyACM0", vendor: "303a", product: "1001", acm: true }]);
        assert.deepEqual(
            listUsbSerialPorts(sys, "/dev").map(p => [p.path, p.vendorId, p.productId]),
            [["/dev/ttyACM0", "303a", "1001"], ["/dev/ttyUSB0", "1a86", "7523"]],
        );
    });

    it("picks the one port whose vendor id the board lists", () => {
        const sys = fakeSys([{ name: "ttyUSB0", vendor: "0403" }, { name: "ttyUSB1", vendor: "1a86" }]);
        assert.equal(choosePort(["1a86"], listUsbSerialPorts(sys, "/dev")), "/dev/ttyUSB1");
    });

    it("refuses to guess between several matching ports and names them", () => {
        const sys = fakeSys([{ name: "ttyUSB0", vendor: "1a86" }, { name: "ttyUSB1", vendor: "10c4" }]);
        assert.throws(() => choosePort(["1a86", "10c4"], listUsbSerialPorts(sys, "/dev")), /several serial ports match.*ttyUSB0.*ttyUSB1.*--port/);
    });

    it("says what is present when nothing matches", () => {
        const sys = fakeSys([{ name: "ttyUSB0", vendor: "0403" }]);
        assert.throws(() => choosePort(["1a86"], listUsbSerialPorts(sys, "/dev")), /no serial port with USB vendor id 1a86 \(WCH CH340\/CH9102\).*ttyUSB0 \(0403:7523 FTDI\).*--port/);
        assert.throws(() => choosePort(["1a86"], listUsbSerialPorts(path.join(sys, "missing"), "/dev")), /no USB serial port is present/);
    });
});
