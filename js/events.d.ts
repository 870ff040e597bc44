// rrweb's event format as TypeScript types: what the recorder emits (`onEvents`,
// `beforeRecordEvent`) and what the analyzer and the player read. Source: rrweb 2.1's
// packages/types/src/index.ts and packages/rrweb-snapshot/src/types.ts (rrweb-io/rrweb); the
// names are rrweb's own. A union discriminated by `type`, and for IncrementalSnapshot events by
// `data.source`, so `if (e.type === 3 && e.data.source === 2) e.data.id` type-checks.
// Type-only: there is no events.js; import these with `import type` from 'rewind-replay'.
//
// Units: `timestamp` is Unix epoch milliseconds; `timeOffset` is ms relative to the event's
// timestamp (≤ 0); coordinates are CSS pixels.

/** rrweb `EventType`: DomContentLoaded 0, Load 1, FullSnapshot 2, IncrementalSnapshot 3, Meta 4, Custom 5, Plugin 6. */
export type EventType = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * rrweb `IncrementalSource`, what an IncrementalSnapshot records: Mutation 0, MouseMove 1,
 * MouseInteraction 2, Scroll 3, ViewportResize 4, Input 5, TouchMove 6, MediaInteraction 7,
 * StyleSheetRule 8, CanvasMutation 9, Font 10, Log 11, Drag 12, StyleDeclaration 13, Selection 14,
 * AdoptedStyleSheet 15, CustomElement 16.
 */
export type IncrementalSource = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16;

/** rrweb `MouseInteractions`: MouseUp 0, MouseDown 1, Click 2, ContextMenu 3, DblClick 4, Focus 5, Blur 6, TouchStart 7, TouchMove_Departed 8, TouchEnd 9, TouchCancel 10. */
export type MouseInteractionType = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** rrweb `PointerTypes`: Mouse 0, Pen 1, Touch 2. */
export type PointerType = 0 | 1 | 2;

/** An attribute value of a serialized element (rrweb-snapshot `attributes`). */
export type AttributeValue = string | number | true | null;

interface SerializedNodeBase {
  /** The node id (rrweb's mirror id); `-2` for a node slimDOM dropped. */
  id: number;
  rootId?: number;
  isShadowHost?: boolean;
  isShadow?: boolean;
}

/** rrweb-snapshot `serializedNodeWithId`, by `type` (NodeType): Document 0, DocumentType 1, Element 2, Text 3, CDATA 4, Comment 5. */
export type SerializedNode = SerializedNodeBase & (
  | { type: 0; childNodes: SerializedNode[]; compatMode?: string }
  | { type: 1; name: string; publicId: string; systemId: string }
  | {
    type: 2;
    tagName: string;
    /** Special keys: `_cssText`, `rr_width`/`rr_height`, `rr_dataURL`, `rr_scrollLeft`/`rr_scrollTop`, `rr_media*`, `rr_src`, `rr_open_mode`. */
    attributes: Record<string, AttributeValue>;
    childNodes: SerializedNode[];
    isSVG?: true;
    needBlock?: boolean;
    isCustom?: true;
  }
  | { type: 3; textContent: string; isStyle?: true }
  | { type: 4; textContent: '' }
  | { type: 5; textContent: string }
);

/** A style change inside a Mutation's attribute: `{prop: value | [value, priority] | false}` (false: removed). */
export type StyleDiff = Record<string, string | [string, string] | false>;

export interface MutationData {
  source: 0;
  texts: Array<{ id: number; value: string | null }>;
  /** `null` means removed. */
  attributes: Array<{ id: number; attributes: Record<string, string | StyleDiff | null> }>;
  removes: Array<{ parentId: number; id: number; isShadow?: boolean }>;
  adds: Array<{ parentId: number; nextId: number | null; previousId?: number | null; node: SerializedNode }>;
  isAttachIframe?: true;
}

export interface MousePosition {
  x: number;
  y: number;
  id: number;
  /** ms relative to the event's timestamp (≤ 0). */
  timeOffset: number;
}

export interface MouseMoveData {
  /** MouseMove 1, TouchMove 6, Drag 12. */
  source: 1 | 6 | 12;
  positions: MousePosition[];
}

export interface MouseInteractionData {
  source: 2;
  type: MouseInteractionType;
  id: number;
  x?: number;
  y?: number;
  pointerType?: PointerType;
}

export interface ScrollData {
  source: 3;
  /** The scrolled element's id (the document's id for the page). */
  id: number;
  x: number;
  y: number;
}

export interface ViewportResizeData {
  source: 4;
  width: number;
  height: number;
}

export interface InputData {
  source: 5;
  id: number;
  text: string;
  isChecked: boolean;
  userTriggered?: boolean;
}

export interface MediaInteractionData {
  source: 7;
  /** Play 0, Pause 1, Seeked 2, VolumeChange 3, RateChange 4. */
  type: 0 | 1 | 2 | 3 | 4;
  id: number;
  /** Seconds (the media element's `currentTime`). */
  currentTime?: number;
  volume?: number;
  muted?: boolean;
  loop?: boolean;
  playbackRate?: number;
}

export interface StyleSheetRuleData {
  source: 8;
  id?: number;
  styleId?: number;
  adds?: Array<{ rule: string; index?: number | number[] }>;
  removes?: Array<{ index: number | number[] }>;
  replace?: string;
  replaceSync?: string;
}

export interface CanvasCommand {
  property: string;
  args: unknown[];
  setter?: true;
}

export interface CanvasMutationData {
  source: 9;
  id: number;
  /** CanvasContext: 2D 0, WebGL 1, WebGL2 2. */
  type: 0 | 1 | 2;
  commands?: CanvasCommand[];
  property?: string;
  args?: unknown[];
  setter?: true;
}

export interface FontData {
  source: 10;
  family: string;
  fontSource: string;
  buffer: boolean;
  descriptors?: Record<string, string>;
}

export interface LogData {
  /** Legacy: console output now comes as the `rrweb/console@1` Plugin event. */
  source: 11;
  [key: string]: unknown;
}

export interface StyleDeclarationData {
  source: 13;
  id?: number;
  styleId?: number;
  index: number[];
  set?: { property: string; value: string | null; priority?: string };
  remove?: { property: string };
}

export interface SelectionData {
  source: 14;
  /** `start`/`end` are node ids. */
  ranges: Array<{ start: number; startOffset: number; end: number; endOffset: number }>;
}

export interface AdoptedStyleSheetData {
  source: 15;
  /** The document's or the shadow host's id. */
  id: number;
  styles?: Array<{ styleId: number; rules: Array<{ rule: string; index?: number | number[] }> }>;
  styleIds: number[];
}

export interface CustomElementData {
  source: 16;
  define?: { name: string };
}

/** The `data` of an IncrementalSnapshot event, discriminated by `source`. */
export type IncrementalData =
  | MutationData
  | MouseMoveData
  | MouseInteractionData
  | ScrollData
  | ViewportResizeData
  | InputData
  | MediaInteractionData
  | StyleSheetRuleData
  | CanvasMutationData
  | FontData
  | LogData
  | StyleDeclarationData
  | SelectionData
  | AdoptedStyleSheetData
  | CustomElementData;

interface EventBase {
  /** Unix epoch milliseconds. */
  timestamp: number;
  delay?: number;
}

export interface DomContentLoadedEvent extends EventBase { type: 0; data: unknown }
export interface LoadEvent extends EventBase { type: 1; data: unknown }
export interface FullSnapshotEvent extends EventBase {
  type: 2;
  data: { node: SerializedNode; initialOffset: { top: number; left: number } };
}
export interface IncrementalSnapshotEvent<D extends IncrementalData = IncrementalData> extends EventBase {
  type: 3;
  data: D;
}
export interface MetaEvent extends EventBase {
  type: 4;
  /** `href` has its query and hash stripped by default (`privacy.stripUrlQuery`). */
  data: { href: string; width: number; height: number };
}
/** rrweb's customEvent. rewind's own tags: `rewind.consent`, `rewind.identify`, `rewind.tag`, `rewind.navigation`; and yours from `addCustomEvent`. */
export interface RecordedCustomEvent<P = unknown> extends EventBase {
  type: 5;
  data: { tag: string; payload: P };
}
/** rrweb's pluginEvent, e.g. `rrweb/console@1`, `rrweb/network@1`, `rewind/web-vitals@1`. */
export interface RecordedPluginEvent<P = unknown> extends EventBase {
  type: 6;
  data: { plugin: string; payload: P };
}

/** One rrweb event (`{type, data, timestamp}`), discriminated by `type` (rrweb EventType 0–6). */
export type RecordedEvent =
  | DomContentLoadedEvent
  | LoadEvent
  | FullSnapshotEvent
  | IncrementalSnapshotEvent
  | MetaEvent
  | RecordedCustomEvent
  | RecordedPluginEvent;
