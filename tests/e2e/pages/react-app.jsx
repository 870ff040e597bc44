// The React test app (bundled by react.test.mjs with esbuild): <SessionReplayProvider> under
// StrictMode, a consent banner driven by useConsent(), a button and a recording flag using useReplay(), and a switch
// that unmounts the provider. `?impl=fake` injects the rrweb-backed fake recorder.
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionReplayProvider, useConsent, useReplay } from 'rewind-replay/react';
import { fakeRecorderFactory } from './fake-recorder.js';

const params = new URLSearchParams(location.search);
const impl = params.get('impl') ?? 'real';
window.__events = [];
window.__deliveries = [];
window.__recorders = 0;
window.__renders = 0;
window.__effectRuns = 0; // StrictMode proof: a mount effect runs twice in development

const config = {
  consent: params.get('consent') ?? 'deferred',
  onEventsIntervalMs: 100,
  onEvents: (events, info) => {
    window.__deliveries.push({ n: events.length, ...info });
    window.__events.push(...events);
  },
  wasm: '/pkg-record/rewind_record_bg.wasm',
  ...(impl === 'fake' ? { _recorderFactory: fakeRecorderFactory } : {}),
};

function Banner() {
  const { status, reason, grant, deny } = useConsent();
  window.__renders++;
  return (
    <div id="banner">
      <p id="status">{status}</p>
      <p id="reason">{reason ?? ''}</p>
      {status === 'deferred' && (
        <>
          <button id="accept" onClick={() => grant({ source: 'banner', version: 'v1' })}>Accept</button>
          <button id="decline" onClick={deny}>Decline</button>
        </>
      )}
      {status === 'granted' && <button id="withdraw" onClick={deny}>Withdraw consent</button>}
      {status === 'denied' && <button id="reconsider" onClick={() => grant({ source: 'settings', version: 'v1' })}>Record again</button>}
    </div>
  );
}

window.__replayFunctions = new Set(); // every committed useReplay() function: one per name if stable

function Shop() {
  const replay = useReplay();
  const { addCustomEvent, identify, tag, isRecording } = replay;
  const [count, setCount] = useState(0);
  useEffect(() => {
    window.__effectRuns++;
  }, []);
  useEffect(() => {
    window.__replay = replay;
    for (const name of ['sessionId', 'flush', 'addCustomEvent', 'identify', 'tag']) window.__replayFunctions.add(replay[name]);
  });
  return (
    <div>
      <p id="recording">{isRecording ? 'recording' : 'idle'}</p>
      <button
        id="buy"
        onClick={() => {
          setCount(count + 1);
          addCustomEvent('buy', { n: count + 1 });
          tag('buyer', true);
          identify('user-7', { plan: 'pro' });
        }}
      >
        Buy
      </button>
      <p id="count">{count} bought</p>
    </div>
  );
}

// `?inline`: a new config object on every render, as an app writing `config={{...}}` makes, with
// `consent: {initial, version}` from `?consent` and `?version`.
const inline = params.has('inline');

function App() {
  const [mounted, setMounted] = useState(true);
  const [renders, setRenders] = useState(0);
  const version = params.get('version');
  const current = inline
    ? {
        ...config,
        consent: { initial: params.get('consent') ?? 'deferred', ...(version ? { version } : {}) },
        onEvents: (events, info) => config.onEvents(events, info),
      }
    : config;
  return (
    <>
      <button id="unmount" onClick={() => setMounted(false)}>Unmount provider</button>
      <button id="rerender" onClick={() => setRenders(renders + 1)}>Re-render ({renders})</button>
      {mounted && (
        <SessionReplayProvider config={current}>
          <Banner />
          <Shop />
        </SessionReplayProvider>
      )}
    </>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
window.__ready = true;
