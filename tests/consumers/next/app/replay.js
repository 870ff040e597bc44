'use client';
// The client component: <SessionReplayProvider> around the page's content, consent granted by
// useConsent(), then the shared checks (src/app.js: analyzer, player, viewer) on what it recorded.
import { useEffect } from 'react';
import { SessionReplayProvider, useConsent } from 'rewind-replay/react';
import 'rewind-replay/viewer.css';

const events = [];
// A module constant: the provider makes one recorder per config object.
const config = { onEvents: (batch) => events.push(...batch), onEventsIntervalMs: 100 };

function Consent() {
  const { status, grant } = useConsent();
  useEffect(() => {
    if (status !== 'deferred') return;
    const out = { errors: [] };
    (async () => {
      out.recording = await grant({ source: 'consumer-test' });
      document.getElementById('go').click();
      await new Promise((resolve) => setTimeout(resolve, 600));
      const { afterRecording } = await import('../src/app.js');
      await afterRecording(events, out);
    })().catch((error) => {
      window.__consumer = { errors: [String(error?.stack ?? error)] };
    });
  }, [status, grant]);
  return <p id="consent">Consent: {status}</p>;
}

export default function Replay({ children }) {
  return (
    <SessionReplayProvider config={config}>
      <Consent />
      {children}
    </SessionReplayProvider>
  );
}
