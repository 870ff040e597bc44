// Compiled (never run) by types.test.mjs: RecordedEvent narrows as rrweb's union does (by
// `type`, then `data.source`), and the counters are exact interfaces.
import { init, type RecordedEvent, type RecorderStats, type DeliveryStats, type IncrementalSnapshotEvent, type MouseInteractionData } from '../../../js/index.js';

function describe(e: RecordedEvent): string {
  switch (e.type) {
    case 2: return `snapshot of node ${e.data.node.id} at ${e.data.initialOffset.top}`;
    case 4: return `${e.data.href} ${e.data.width}×${e.data.height}`;
    case 5: return e.data.tag;
    case 6: return e.data.plugin;
    case 3:
      if (e.data.source === 2) return `interaction ${e.data.type} on ${e.data.id} (${e.data.x ?? '-'})`;
      if (e.data.source === 0) return `${e.data.adds.length} adds, ${e.data.removes.length} removes, ${e.data.texts.length} texts`;
      if (e.data.source === 1 || e.data.source === 6 || e.data.source === 12) return `${e.data.positions[0]?.timeOffset}`;
      if (e.data.source === 5) return `${e.data.id}: ${e.data.text} ${e.data.isChecked}`;
      if (e.data.source === 14) return `${e.data.ranges.length}`;
      return String(e.data.source);
    default: return String(e.timestamp);
  }
}
const e = { type: 3, timestamp: 1, data: { source: 2, type: 2, id: 5 } } satisfies RecordedEvent;
const click: IncrementalSnapshotEvent<MouseInteractionData> = e;
// @ts-expect-error a Meta event has no `data.source`
const wrong: RecordedEvent = { type: 4, timestamp: 1, data: { source: 2, href: 'x', width: 1, height: 1 } };
// @ts-expect-error EventType 7 (Asset) is not recorded
const asset: RecordedEvent = { type: 7, timestamp: 1, data: {} };
function untyped(ev: RecordedEvent) {
  // @ts-expect-error `data.id` exists only once `type` and `data.source` say which event it is
  return ev.data.id;
}
// @ts-expect-error IncrementalSource 17 does not exist
const bad: RecordedEvent = { type: 3, timestamp: 1, data: { source: 17 } };

const h = init({ onEvents: (events) => events.forEach(describe) });
const s: RecorderStats | null = h.stats();
const d: DeliveryStats | null = h.deliveryStats();
const ms: number | undefined = s?.snapshotMs;
const reasons: Record<string, number> | undefined = d?.droppedByReason;
const failure: string | undefined = d?.lastFailure;
// @ts-expect-error no such counter
h.stats()?.snapshotsTaken;
console.log(click, wrong, asset, untyped, bad, ms, reasons, failure);
