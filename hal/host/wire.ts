// Operation and event codes of the host bridge; the same file is compiled into the Lua HAL and imported by the Node harness.

/** Lua -> Node operations (first token of a frame). */
export const Op = {
    clock: "C",
    timerAt: "T",
    timerCancel: "t",
    udpOpen: "u",
    udpSend: "U",
    udpJoin: "j",
    udpClose: "x",
    tcpListen: "S",
    tcpServerClose: "s",
    tcpWrite: "W",
    tcpClose: "K",
    fileOpen: "O",
    fileRead: "R",
    fileClose: "F",
    list: "L",
    log: "G",
    random: "M",
    address: "A",
    report: "J",
} as const;

/** Node -> Lua events (first number of a frame); 0 ends a batch. */
export const Ev = {
    timer: 1,
    udpReceive: 2,
    tcpAccept: 3,
    tcpData: 4,
    tcpWritable: 5,
    tcpClosed: 6,
    readDone: 7,
} as const;

/** Answers to a read request besides a piece count. */
export const ReadAnswer = { failed: -1, pending: -2 } as const;
