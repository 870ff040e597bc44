// Live data: the session list and an open session that is still recording are polled (the
// collector's read API has no push), only while the tab is visible, backing off while nothing
// changes or the collector does not answer.

/** The first and the quickest poll interval, ms: the recorder sends a batch every 5 s (`BATCH_INTERVAL_MS`, src/transport). */
export const POLL_MS = 5_000;
/** The slowest poll interval, ms (the recorder's own retry backoff caps at 60 s too). */
export const POLL_MAX_MS = 60_000;
/** Factor the interval grows by after a poll that found nothing new. */
export const IDLE_BACKOFF = 1.5;
/** Factor the interval grows by after a failed poll. */
export const ERROR_BACKOFF = 2;
/**
 * A session is live while its last batch arrived this recently, ms: six batch intervals, so one
 * or two late or lost batches do not end it.
 */
export const LIVE_WINDOW_MS = 30_000;
/** A grown live session is reloaded while playing only this close to the replay's end, ms. */
export const LIVE_TAIL_MS = 3_000;

/** Whether a collector row (`last_received_at`, collector-clock epoch ms) is still recording. */
export const isLive = (row, now = Date.now()) => Number.isFinite(Number(row?.last_received_at)) && now - Number(row.last_received_at) < LIVE_WINDOW_MS;

/**
 * Runs `task` every POLL_MS while `keepGoing()`; `task` resolves to whether it found something
 * new (the interval resets) or not (it grows by IDLE_BACKOFF), and rejects when the source failed
 * (it grows by ERROR_BACKOFF), up to POLL_MAX_MS. A hidden tab is not polled: the next poll
 * waits for it to be shown again. `onWait(ms)` after each poll, with the time to the next.
 */
export class Poller {
  constructor(task, { keepGoing = () => true, onWait = () => {}, base = POLL_MS, max = POLL_MAX_MS } = {}) {
    Object.assign(this, { task, keepGoing, onWait, base, max });
    this.delay = base;
    this.timer = 0;
    this.due = null;
    this.running = false;
    this.busy = false;
    this.onVisible = () => {
      if (document.visibilityState === 'visible' && this.running && this.due != null && Date.now() >= this.due) this.now();
    };
  }

  /** Starts polling: the first run at once (`immediate`) or after one interval. Idempotent. */
  start({ immediate = false } = {}) {
    if (this.running) return;
    this.running = true;
    document.addEventListener('visibilitychange', this.onVisible);
    if (immediate) this.now();
    else this.schedule(this.base);
  }

  /** Runs the task now (a user's "retry"), and polls on from there. */
  async now() {
    clearTimeout(this.timer);
    this.due = null;
    if (this.busy) return;
    this.busy = true;
    let wait = this.delay;
    try {
      const changed = await this.task();
      wait = changed ? this.base : Math.min(this.max, this.delay * IDLE_BACKOFF);
    } catch {
      wait = Math.min(this.max, Math.max(this.base, this.delay * ERROR_BACKOFF));
    } finally {
      this.busy = false;
    }
    this.delay = wait;
    if (!this.running) return;
    if (!this.keepGoing()) return this.stop();
    this.schedule(wait);
    this.onWait(wait);
  }

  schedule(ms) {
    clearTimeout(this.timer);
    this.due = Date.now() + ms;
    this.timer = setTimeout(() => {
      // Hidden: wait for `visibilitychange` (onVisible runs it once the tab is shown).
      if (document.visibilityState === 'hidden') return;
      this.now();
    }, ms);
  }

  /** Milliseconds until the next poll, or null when none is scheduled. */
  nextIn() {
    return this.due == null ? null : Math.max(0, this.due - Date.now());
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
    this.due = null;
    document.removeEventListener('visibilitychange', this.onVisible);
  }
}
