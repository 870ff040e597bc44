// Types for rewind-replay/react (js/react.js).
import type { ReactNode, ReactElement } from 'react';
import type { ConsentMeta, ConsentStatus, FlushResult, InitOptions } from './index.js';

export interface SessionReplayProviderProps {
  /**
   * `init()` options of the one recorder this provider owns. The recorder is keyed by what the
   * options say, not by the object: an inline object (a new one each render) keeps the same
   * recorder and its consent state, and its latest callbacks (`onEvents`, `onError`,
   * `beforeRecordEvent`) are the ones called. Changed options make a new recorder, which starts
   * from the kept decision (`consent.persist`). StrictMode's double mount reuses the same
   * recorder; it is stopped after the last provider using it unmounts. During SSR the provider
   * only renders its children. A page has one recorder (see `init()`): use one provider; a
   * second one mounted with other options at the same time gets the first one's recorder.
   */
  config?: InitOptions;
  children?: ReactNode;
}

/** Provides one consent-gated recorder to its subtree. */
export function SessionReplayProvider(props: SessionReplayProviderProps): ReactElement;

export interface ConsentApi {
  /** The recorder's consent status; `config.consent` (or `config.consent.initial`; default `"deferred"`) during SSR and the first render. */
  status: ConsentStatus;
  /** Why a granted recorder does not record, while `status` is `"failed"` (`consentState().reason`); else `null`. */
  reason: string | null;
  /** `optIn(meta)`: resolves `true` when recording started. */
  grant(meta?: ConsentMeta): Promise<boolean>;
  /** `optOut()`: stops recording, drops buffered events, purges the tab's stored batches and ids. */
  deny(): void;
}

/** Consent state and actions; re-renders when the status changes. Must be inside `<SessionReplayProvider>`. */
export function useConsent(): ConsentApi;

/** What `useReplay()` returns: its functions keep their identity across renders. */
export interface ReplayApi {
  /** The recorder's session id (`sessionId()`); `null` before the provider's recorder exists (SSR, first render). */
  sessionId(): string | null;
  /** `flush(options)`: delivers what is buffered; `{sent: 0, failed: 0, kept: 0}` before the recorder exists. */
  flush(options?: { final?: boolean }): Promise<FlushResult>;
  /** Whether a recorder runs; the component re-renders when it starts or stops. `false` during SSR. */
  isRecording: boolean;
  /** Custom event (payload PII-redacted); `false` when not recording. */
  addCustomEvent(name: string, payload?: unknown): boolean;
  /** Custom event `rewind.identify`; remembered and re-sent when recording starts. */
  identify(userId: string, traits?: Record<string, unknown>): boolean;
  /** Custom event `rewind.tag` `{key, value}`; `false` when not recording. */
  tag(key: string, value: unknown): boolean;
}

/** The provider's recorder: session id, flush, recording state and custom events. Must be inside `<SessionReplayProvider>`. */
export function useReplay(): ReplayApi;
