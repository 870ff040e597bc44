// Types for rewind-replay/viewer (js/viewer.js): the embeddable rewind viewer — a session list,
// the analysis panel of the selected session and its replay. Load its styles beside it:
// `import 'rewind-replay/viewer.css'` (bundlers) or `<link rel="stylesheet">` to
// `node_modules/rewind-replay/js/viewer.css`. Every class it uses starts with `rw-`.

import type { PlayerHandle } from './player.js';

/** A recording opened in the browser: a `File`/`Blob` (JSON, JSON Lines or gzip) or its text with a name. */
export type ViewerFile = File | Blob | { name: string; text: string };

/** Where the viewer's sessions come from (one or both). */
export interface ViewerSource {
  /**
   * A collector (`rewind serve`) and its read API. `baseUrl` defaults to the page's origin; the
   * collector must list this page's origin in `--read-cors-origin` when it is another origin.
   * The read key is asked for in the viewer (or taken from the page URL's `#key=`).
   */
  collector?: { baseUrl?: string };
  /** Recordings to open at once; nothing is uploaded (the analysis runs in this page). */
  files?: ViewerFile[];
}

export interface ViewerOptions {
  /** Default `{}`: no collector, files only (opened by drop or picker). */
  source?: ViewerSource;
  /** Where `rewind-replay/analyze`'s module is served, for a viewer loaded from a URL rather than bundled. Default: `./analyze.js` beside the viewer's module. */
  analyzeUrl?: string | URL;
  /** Where `rewind-replay/player`'s module is served. Default: `./player.js` beside the viewer's module. */
  playerUrl?: string | URL;
  /**
   * Default `true`: the address's fragment opens a session at a moment (`#session=ID&t=SECONDS`
   * with the read key, `#share=TOKEN&t=SECONDS` without) and follows the player while it plays
   * (`history.replaceState`). `false` for a host page whose own routing uses the fragment; "Copy
   * link at this moment" then links to the collector's viewer.
   */
  links?: boolean;
}

export interface ViewerHandle {
  /** Opens recordings (analysed in a worker when the page allows one, else on the page's thread). */
  openFiles(files: ViewerFile[]): Promise<void>;
  /** Reloads the collector's session list. */
  refresh(): Promise<void>;
  /** Selects the session with this key (the collector's session id, or `f:N` for the Nth opened file). */
  select(key: string): Promise<void>;
  /** The replay player of the selected session, or `null`. */
  player(): PlayerHandle | null;
  /** Removes the viewer from its element and releases its worker and player. */
  destroy(): void;
}

/** Mounts the viewer into `el` (its content is replaced). */
export declare function mountViewer(el: Element, options?: ViewerOptions): ViewerHandle;
