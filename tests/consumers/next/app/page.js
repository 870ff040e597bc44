// A server component: rendered on the server (the test reads its HTML), with the recorder's
// provider in a client component.
import Replay from './replay';

export default function Page() {
  return (
    <main>
      <h1>A shop</h1>
      <Replay>
        <button id="go" type="button">Buy</button>
      </Replay>
      <div id="stage" style={{ width: 800, height: 400 }} />
      <div id="viewer" style={{ width: 1000, height: 600 }} />
    </main>
  );
}
