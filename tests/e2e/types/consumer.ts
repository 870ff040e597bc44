// Compiled (never run) by types.test.mjs: the public .d.ts files accept real usage and reject bad options.
import { init, SDK_VERSION, type RewindHandle, type InitOptions, type FlushResult, type ConsentState } from '../../../js/index.js';
import { SessionReplayProvider, useConsent, useReplay } from '../../../js/react.js';
import { createElement } from 'react';

const config: InitOptions = {
  appId: 'a', consent: 'deferred', respectGlobalPrivacyControl: true,
  privacy: { maskAllText: true, redactPatterns: [/x/, 'y'], unmaskSelector: '.safe' },
  capture: { console: true, consoleLevels: ['error'], mousemoveThrottleMs: 50, checkoutEveryMs: 0, mutationLimit: 5,
    network: { allowUrls: ['/api/'], bodyContentTypes: ['application/json'] } },
  sampling: { session: 0.1, onError: 1 },
  beforeRecordEvent: (e) => (e.type === 3 ? null : e),
  onEvents: async (events, info) => { console.log(events.length, info.sessionId, info.final); },
  onEventsIntervalMs: 2000,
  ingestBaseUrl: 'https://replay.example', publicKey: 'pk_x',
  delivery: { batchIntervalMs: 5000, batchMaxEvents: 1000, batchMaxBytes: 524288, bufferMaxBytes: 8388608 },
};
const h: RewindHandle = init(config);
const p: Promise<boolean> = h.optIn({ source: 'banner', version: '1', overrideGlobalPrivacyControl: true });
h.optOut(); h.optOut({ source: 'settings' }); h.setConsent(true);
const s: 'deferred' | 'granted' | 'denied' | 'stopped' | 'failed' = h.consentStatus();
const cs: ConsentState = h.consentState(); const why: string | null = cs.reason; const on: boolean = cs.recording;
init({ consent: { initial: 'deferred', persist: 'cookie', version: '2024-05' }, identity: { hash: true, salt: 'app-salt' } });
init({ consent: { persist: false, version: 3 } });
// @ts-expect-error persist is localStorage, cookie or false
init({ consent: { persist: 'indexedDB' } });
// @ts-expect-error "stopped" is a status, not a start-up consent
init({ consent: 'stopped' });
h.addCustomEvent('x', { a: 1 }); h.identify('u', { plan: 'pro' }); h.tag('k', 1);
const f: Promise<FlushResult> = h.flush({ final: true }); h.stop(); const id: string = h.sessionId();
const off = h.onConsentChange((st) => console.log(st)); off();
function Banner() { const { status, reason, grant, deny } = useConsent(); console.log(reason?.length); const r = useReplay(); r.tag('a', 1); grant({ source: 'b' }); deny(); return createElement('p', null, status); }
function Session() {
  const { sessionId, flush, isRecording, addCustomEvent, identify } = useReplay();
  const sid: string | null = sessionId(); const done: Promise<FlushResult> = flush({ final: true }); const rec: boolean = isRecording;
  addCustomEvent('x'); identify('u');
  // @ts-expect-error isRecording is a boolean, not a method
  isRecording();
  return createElement('p', null, String(sid), String(rec), String(done));
}
createElement(SessionReplayProvider, { config }, createElement(Banner), createElement(Session));
const unwatch: () => void = h.onRecordingChange((recording: boolean) => console.log(recording)); unwatch();
// @ts-expect-error consent must be one of the three
init({ consent: 'maybe' });
const stats = h.deliveryStats(); const v: string = SDK_VERSION;
const sending: boolean = h.capture(); init({ sampling: { sessionRate: 0.5 } });
// @ts-expect-error sampling rates are numbers
init({ sampling: { onError: 'always' } });
// @ts-expect-error delivery options are numbers
init({ delivery: { batchIntervalMs: '5s' } });
console.log(p, s, f, id, stats, v, sending, why, on);
