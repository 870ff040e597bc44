// The demo's recording setup, shared by every page of the demo shop: it records the shop
// through the real SDK (js/index.js, served by `rewind serve` at /js/), asks for consent with a
// banner, and shows what the recorder is doing in the demo bar.
//
// The collector's public key comes from the URL fragment (`#key=...`): fragments are never
// sent to the server, and the SDK strips them from recorded URLs anyway. It is kept in
// sessionStorage so the shop's other pages (a multi-page app) record into the same session,
// which the SDK also keeps in sessionStorage.
import { init } from '/js/index.js';

const KEY_STORAGE = 'rewind-demo:key';
/** The visitor's consent decision for this tab: "granted" or "denied". */
const CONSENT_STORAGE = 'rewind-demo:consent';
/** A pseudonymous visitor id (never an email), so the viewer has visitors to filter by. */
const VISITOR_STORAGE = 'rewind-demo:visitor';
const CONSENT_META = { source: 'banner', version: '1' };

const $ = (id) => document.getElementById(id);

/** The public key: from `#key=` (then removed from the address bar), else from this tab's storage. */
function publicKey() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get('key');
  if (fromUrl) {
    sessionStorage.setItem(KEY_STORAGE, fromUrl);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(KEY_STORAGE);
}

function visitorId() {
  let id = localStorage.getItem(VISITOR_STORAGE);
  if (!id) {
    id = `shopper-${Math.floor(1000 + Math.random() * 9000)}`;
    localStorage.setItem(VISITOR_STORAGE, id);
  }
  return id;
}

function start() {
  const key = publicKey();
  if (!key) {
    $('no-key').hidden = false;
    return null;
  }
  const handle = init({
    ingestBaseUrl: location.origin,
    publicKey: key,
    appId: 'rewind-demo-shop',
    consent: 'deferred',
    privacy: {
      // The shop's own text is not personal, so it is recorded as is (the default masks it all);
      // `rr-mask` elements (the order confirmation, which echoes the email) stay masked.
      maskAllText: false,
      // Inputs stay masked, except the ones marked safe: search and quantity. Card inputs are
      // masked whatever this says.
      unmaskSelector: '.rewind-safe',
    },
    // Console capture is off by default; the demo turns it on so error sessions exist.
    capture: { console: true, consoleLevels: ['error'] },
    // Short batches so sessions show up in the viewer within seconds.
    delivery: { batchIntervalMs: 2000 },
    onError: (error) => console.warn('rewind:', error),
  });
  // Before consent this only remembers the id; nothing leaves the page until optIn.
  handle.identify(visitorId(), { plan: 'demo' });
  return handle;
}

function render(handle) {
  const status = $('rec-status');
  const toggle = $('rec-toggle');
  const consent = handle.consentStatus();
  const recording = handle.isRecording();
  const id = recording ? handle.sessionId() : '';
  // Write only on change: every DOM write is itself recorded as a mutation.
  const state = `${consent} ${id}`;
  if (status.dataset.state === state) return;
  status.dataset.state = state;
  status.classList.toggle('is-recording', recording);
  toggle.hidden = consent === 'deferred';
  toggle.textContent = recording ? 'Stop recording' : 'Record this session';
  if (recording) {
    const code = Object.assign(document.createElement('code'), { textContent: id.slice(0, 8), title: id });
    status.replaceChildren('Recording · session ', code);
  } else {
    status.textContent = consent === 'denied' ? 'Not recording (declined)' : 'Not recording';
  }
}

function decide(handle, granted) {
  sessionStorage.setItem(CONSENT_STORAGE, granted ? 'granted' : 'denied');
  $('consent').hidden = true;
  if (granted) return handle.optIn(CONSENT_META).finally(() => render(handle));
  handle.optOut();
  render(handle);
  return Promise.resolve(false);
}

export const rewind = start();

if (rewind) {
  // Tests and curious visitors can reach the handle from the console.
  window.rewindDemo = rewind;
  rewind.onConsentChange(() => render(rewind));
  $('consent-allow').addEventListener('click', () => decide(rewind, true));
  $('consent-decline').addEventListener('click', () => decide(rewind, false));
  $('rec-toggle').addEventListener('click', () => decide(rewind, !rewind.isRecording()));
  const decided = sessionStorage.getItem(CONSENT_STORAGE);
  if (decided === 'granted') {
    // Consent given on an earlier page of this tab: keep recording into the same session.
    rewind.optIn(CONSENT_META).finally(() => render(rewind));
  } else if (decided !== 'denied') {
    $('consent').hidden = false;
  }
  render(rewind);
  // The session id changes after 30 min idle (the SDK starts a new session).
  setInterval(() => render(rewind), 5000);
}
