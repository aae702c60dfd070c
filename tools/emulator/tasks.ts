// NodeMCU's task queues: HIGH, MEDIUM and LOW with strict priority, bounded as on the board, one task run per turn.

export const enum Prio {
    LOW = 0,
    MEDIUM = 1,
    HIGH = 2,
}

/** Queue sizes with CONFIG_NODEMCU_TASK_SLOT_MEMORY=2000 (components/task/task.c). */
const CAPACITY = [25, 125, 100];

export class TaskQueues {
    private queues: Array<Array<() => void>> = [[], [], []];
    private scheduled = false;
    private stopped = false;
    /** Tasks refused because their queue was full (the board logs and drops them). */
    dropped = 0;

    /** Runs after each task (the board uses it to reboot once a task asked for a restart). */
    constructor(private readonly afterEach: () => void) {}

    post(prio: Prio, task: () => void): boolean {
        const q = this.queues[prio];
        if (q.length >= CAPACITY[prio]) {
            this.dropped++;
            return false;
        }
        q.push(task);
        this.schedule();
        return true;
    }

    /** Console bytes and REPL lines wait in a pipe, not in the bounded queue: post without the cap. */
    postUnbounded(prio: Prio, task: () => void): void {
        this.queues[prio].push(task);
        this.schedule();
    }

    private schedule(): void {
        if (this.scheduled || this.stopped) return;
        this.scheduled = true;
        // setImmediate between tasks lets sockets and the serial port deliver, as the board's other tasks would.
        setImmediate(() => this.runOne());
    }

    private runOne(): void {
        this.scheduled = false;
        if (this.stopped) return;
        const q = this.queues[2].length ? this.queues[2] : this.queues[1].length ? this.queues[1] : this.queues[0];
        const task = q.shift();
        if (task) {
            task();
            this.afterEach();
        }
        if (this.queues.some(x => x.length > 0)) this.schedule();
    }

    clear(): void {
        this.queues = [[], [], []];
    }

    stop(): void {
        this.stopped = true;
        this.clear();
    }
}
