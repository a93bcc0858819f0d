'use strict';
// A clock whose time moves only when told, for the supervisor's timing tests (backoff, resets,
// give-up) without waiting: timers fire in order of their due time, each followed by the
// promise jobs it queued.

const flush = () => new Promise((r) => setImmediate(r));

class FakeClock {
  constructor() {
    this.time = 0;
    this.timers = [];
    this.nextId = 1;
  }
  now() { return this.time; }
  setTimeout(fn, ms) {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + ms, fn });
    return id;
  }
  clearTimeout(id) { this.timers = this.timers.filter((t) => t.id !== id); }
  /** Advances time, firing due timers in order. */
  async advance(ms) {
    const target = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.time = next.at;
      next.fn();
      await flush();
    }
    this.time = target;
    await flush();
  }
}

module.exports = { FakeClock, flush };
