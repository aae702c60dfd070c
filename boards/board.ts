// The board description: one boards/<id>.board.json per board, validated against board.schema.json generated from this interface.

/** A board ringcast can be built for. Keys starting with `#` are comments; `$`-keys are for tooling only. */
export interface Board {
    /** Path to the schema; editors use it for completion. */
    $schema?: string;
    /** Board id; must equal the file name before `.board.json`. @pattern ^[a-z0-9-]+$ */
    id: string;
    /** Human-readable name. */
    name: string;
    /** `host` runs in the Wasm harness on a laptop; `nodemcu` is a real ESP32 running NodeMCU firmware. */
    platform: "host" | "nodemcu";
    /** Lua version of the board's interpreter (NodeMCU ESP32: 5.3 by default, 5.1 optional). */
    luaVersion: "5.1" | "5.3";
    /** Number model of the build: `double` (recommended), `float32-int32` (NodeMCU 5.3 default), `int64-double`. */
    numberType: "double" | "float32-int32" | "int64-double";
    /** Ethernet PHY wiring (absent on the host board). */
    ethernet?: EthernetConfig;
    /** microSD wiring (absent on the host board: a folder plays the card). */
    sd?: SdConfig;
    /** Memory and code budgets. */
    budget: BudgetConfig;
    /** Timing of the board's scheduler. */
    timing: TimingConfig;
    /** NodeMCU firmware build options this board needs (absent on the host board). */
    nodemcuBuild?: NodemcuBuildConfig;
    /** Serial console settings for flashing (absent on the host board). */
    serial?: SerialConfig;
    /** Where the board's facts come from. */
    $source?: string;
}

export interface EthernetConfig {
    /** PHY model as NodeMCU names it: eth.PHY_<phy>. */
    phy: "LAN87XX" | "IP101" | "RTL8201" | "DP83848" | "KSZ80XX";
    /** PHY address on the MDIO bus (0-31). @minimum 0 @maximum 31 */
    address: number;
    /** MDC GPIO (an output, so 0-33: GPIO34-39 are input-only; IDF's own range). @minimum 0 @maximum 33 */
    mdc: number;
    /** MDIO GPIO (bidirectional, so 0-33). @minimum 0 @maximum 33 */
    mdio: number;
    /** RMII clock mode (a build-time setting): input on GPIO0, or output on GPIO0/16/17. */
    clockMode: "gpio0-in" | "gpio0-out" | "gpio16-out" | "gpio17-out";
    /** GPIO (an output) that powers or resets the PHY, or -1 for none. @minimum -1 @maximum 33 */
    powerPin: number;
    /** `switch`: the pin switches PHY power and must be raised before eth.init; `reset`: passed to eth.init as power; `none`: powerPin is -1. */
    powerPinKind: "switch" | "reset" | "none";
}

export interface SdConfig {
    /** `sdmmc-1bit`: SDMMC slot HS2 in 1-bit mode; `spi`: SD over SPI2 (HSPI). */
    interface: "sdmmc-1bit" | "spi";
    /** GPIOs: clk/cmd/d0 for SDMMC (fixed by the HS2 slot: 14/15/2); sclk/mosi/miso/cs for SPI. */
    pins: SdPins;
    /** Mount point on the VFS (the NodeMCU docs use `/SD0`). @pattern ^/[A-Za-z0-9_]+$ */
    mountPoint: string;
    /** Maximum SD clock in Hz. @minimum 400000 */
    maxFrequencyHz: number;
    /** Sustained read bandwidth in bytes per second through FatFs and `io` (measured, or a conservative estimate until measured), used to bound each read. @minimum 1 */
    readBytesPerSecond: number;
    /** Fixed cost of one read call in microseconds (seek, FAT lookup, command overhead). @minimum 0 */
    readOverheadUs: number;
}

/** SD GPIOs by signal name; which ones are needed depends on the interface. */
export interface SdPins {
    /** SDMMC clock. @minimum 0 @maximum 39 */
    clk?: number;
    /** SDMMC command. @minimum 0 @maximum 39 */
    cmd?: number;
    /** SDMMC data 0. @minimum 0 @maximum 39 */
    d0?: number;
    /** SPI clock. @minimum 0 @maximum 39 */
    sclk?: number;
    /** SPI data out. @minimum 0 @maximum 39 */
    mosi?: number;
    /** SPI data in (may be an input-only GPIO, 34-39). @minimum 0 @maximum 39 */
    miso?: number;
    /** SPI chip select. @minimum 0 @maximum 39 */
    cs?: number;
}

export interface BudgetConfig {
    /** Bytes of Lua heap the buffer pool may reserve at boot. @minimum 1024 */
    poolBytes: number;
    /** Size of one pool buffer in bytes (a multiple of 512: one aligned storage read). @minimum 512 */
    bufferBytes: number;
    /** Largest total size of the built Lua files in bytes (SPIFFS/LFS budget). @minimum 1024 */
    codeBytes: number;
    /** Network bandwidth the board admits in total, bits per second. @minimum 1 */
    maxBitsPerSecond: number;
    /** Most streams at once. @minimum 1 */
    maxStreams: number;
}

export interface TimingConfig {
    /** Resolution of the board's timer in microseconds (NodeMCU: the FreeRTOS tick). @minimum 1 */
    timerTickUs: number;
    /** Period of the network I/O task in microseconds. @minimum 1 */
    sendPeriodUs: number;
    /** Period of the disk I/O task in microseconds. @minimum 1 */
    readPeriodUs: number;
    /** Packets later than this many microseconds behind their media time are dropped, never sent late. @minimum 0 */
    lateToleranceUs: number;
    /** Media each stream keeps buffered ahead of the send point, to ride out slow or stalled storage reads. @minimum 0 */
    readAheadUs: number;
    /**
     * How far ahead of its media time the network task hands a packet to the socket, stamped with that time as its
     * departure time (a launch time, as Linux's SO_TXTIME). Only for sockets that hold a datagram until then: the host
     * board's do, so its Lua runs before the due time and the datagram leaves on it. 0 or absent: send at the due time
     * (NodeMCU boards). @minimum 0
     */
    sendLeadUs?: number;
}

export interface NodemcuBuildConfig {
    /**
     * Modules to enable in menuconfig, as NodeMCU names them (`eth` is `CONFIG_NODEMCU_CMODULE_ETH`).
     * @items.type string
     * @items.pattern ^[a-z0-9_]+$
     */
    modules: string[];
    /** CONFIG_FREERTOS_HZ. @minimum 100 */
    freertosHz: number;
    /** Long FAT file names (CONFIG_FATFS_LFN_HEAP); otherwise files on the card need 8.3 names. */
    fatLongFileNames: boolean;
    /**
     * sdkconfig lines for the build, verbatim: `CONFIG_X=value` or `# CONFIG_X is not set`.
     * @items.type string
     * @items.pattern ^(CONFIG_[A-Z0-9_]+=.+|# CONFIG_[A-Z0-9_]+ is not set)$
     */
    sdkconfig: string[];
}

export interface SerialConfig {
    /** Console baud rate. @minimum 1200 */
    baud: number;
    /**
     * USB vendor ids of the board's USB-serial bridge (to find its port), as 4 lowercase hex digits.
     * @items.type string
     * @items.pattern ^[0-9a-f]{4}$
     */
    usbVendorIds: string[];
    /** The board resets when the port is opened (DTR/RTS wiring); wait this many ms before talking. @minimum 0 */
    resetOnOpenMs: number;
}
