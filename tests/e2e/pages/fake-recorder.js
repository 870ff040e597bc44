// A stand-in for the wasm `Recorder`, injected through init()'s private `_recorderFactory` hook:
// the real rrweb.record behind the Recorder contract (new Recorder(options, emit), start, stop,
// takeFullSnapshot, addCustomEvent, stats). rrweb is loaded only when the factory runs, i.e. after
// consent, like the wasm. It counts constructions in `window.__recorders`.
const RRWEB_URL = '/rrweb/rrweb.js';

export async function fakeRecorderFactory(options, emit) {
  window.__recorders = (window.__recorders ?? 0) + 1;
  const rrweb = await import(/* @vite-ignore */ RRWEB_URL);
  return new FakeRecorder(rrweb, options, emit);
}

class FakeRecorder {
  constructor(rrweb, options, emit) {
    this.rrweb = rrweb;
    this.options = options;
    this.emitJson = emit;
    this.stopFn = null;
    this.emitted = 0;
  }

  start() {
    if (this.stopFn) return;
    const p = this.options.privacy ?? {};
    this.stopFn = this.rrweb.record({
      emit: (event) => {
        this.emitted++;
        this.emitJson(JSON.stringify(event));
      },
      maskAllInputs: p.maskAllInputs ?? true,
      maskTextSelector: (p.maskAllText ?? true) ? '*' : p.maskTextSelector,
      blockClass: p.blockClass ?? 'rr-block',
      blockSelector: p.blockSelector,
      maskTextClass: p.maskTextClass ?? 'rr-mask',
      ignoreClass: p.ignoreClass ?? 'rr-ignore',
      checkoutEveryNms: this.options.checkoutEveryMs || undefined,
      sampling: { mousemove: this.options.mousemoveThrottleMs, scroll: this.options.scrollThrottleMs },
    });
  }

  stop() {
    const stop = this.stopFn;
    this.stopFn = null;
    stop?.();
  }

  takeFullSnapshot() {
    this.rrweb.record.takeFullSnapshot(true);
  }

  addCustomEvent(tag, payload) {
    this.rrweb.record.addCustomEvent(tag, payload);
  }

  stats() {
    return { events: this.emitted };
  }
}
