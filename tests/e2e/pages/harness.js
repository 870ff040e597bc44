// Loaded by every e2e page: sets up `window.__init(options)` that calls the SDK's init() with an
// onEvents sink collecting into `window.__events`. `?impl=fake` injects the rrweb-backed fake
// recorder; otherwise the real wasm Recorder is used. A page records with one handle at a time
// (a second live init() returns the first), so `__init` stops the previous handle first;
// `window.__rewindInit` is the SDK's own init().
import { init } from '/js/index.js';
import { fakeRecorderFactory } from '/pages/fake-recorder.js';

const impl = new URLSearchParams(location.search).get('impl') ?? 'real';
window.__events = [];
window.__deliveries = [];
window.__recorders = 0;
window.__rewindInit = init;
window.__init = (options = {}) => {
  window.rw?.stop();
  window.rw = init({
    consent: 'deferred',
    onEventsIntervalMs: 100,
    onEvents: (events, info) => {
      window.__deliveries.push({ n: events.length, ...info });
      window.__events.push(...events);
    },
    ...(impl === 'fake' ? { _recorderFactory: fakeRecorderFactory } : {}),
    ...options,
  });
  return window.rw.consentStatus();
};
window.__collect = async () => {
  await window.rw.flush();
  return window.__events;
};
window.__ready = true;
