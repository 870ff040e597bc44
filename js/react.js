// rewind-replay/react — <SessionReplayProvider>, useConsent(), useReplay(). Types: ./react.d.ts.
//
// One recorder per config *content*: the handle is created lazily in an effect (never during
// render, so SSR renders children and touches no browser global), kept in a module-level registry
// keyed by what the config says (configKey), with a reference count, and torn down only after the
// last provider using it has unmounted and not come back within the same task — which is what
// React StrictMode's mount → unmount → mount does. An inline config object (a new object every
// render) is the same recorder, so its consent state survives re-renders.

import { createContext, createElement, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { init } from './index.js';

/** @type {Map<string, {handle: import('./index.js').RewindHandle, config: object, refs: number, teardown: any}>} */
const registry = new Map();

/** Ids of the non-plain objects of configs (a `wasm` Module or buffer), which are keyed by identity. */
const objectIds = new WeakMap();
let nextObjectId = 0;

/**
 * The registry key of a config: its options as JSON, callbacks as a placeholder (the recorder
 * calls the latest config's callback, see acquire), RegExps by source and flags, other
 * non-plain objects (a `wasm` Module, a buffer) by identity.
 */
function configKey(config) {
  return JSON.stringify(config ?? {}, (_, value) => {
    if (typeof value === 'function') return '\u0192';
    if (value instanceof RegExp) return String(value);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return value;
    if (!objectIds.has(value)) objectIds.set(value, `\u0192${nextObjectId++}`);
    return objectIds.get(value);
  });
}

function acquire(key, config) {
  let entry = registry.get(key);
  if (!entry) {
    // A recorder no provider uses any more (its config changed) ends now, not after this task:
    // while it lives, init() would hand it back instead of a recorder with the new options.
    for (const [k, old] of registry) {
      if (old.refs > 0) continue;
      clearTimeout(old.teardown);
      registry.delete(k);
      old.handle.stop();
    }
    const made = { handle: null, config, refs: 0, teardown: null };
    // Callbacks go through the entry, so a re-render's new closures are the ones called.
    const options = { ...config };
    for (const [name, fn] of Object.entries(config)) {
      if (typeof fn === 'function') options[name] = (...args) => (typeof made.config[name] === 'function' ? made.config[name] : fn)(...args);
    }
    made.handle = init(options);
    entry = made;
    registry.set(key, entry);
  }
  if (entry.teardown !== null) {
    clearTimeout(entry.teardown);
    entry.teardown = null;
  }
  entry.refs++;
  return entry;
}

function release(key, entry) {
  entry.refs--;
  if (entry.refs > 0 || entry.teardown !== null) return;
  entry.teardown = setTimeout(() => {
    entry.teardown = null;
    if (entry.refs > 0) return;
    if (registry.get(key) === entry) registry.delete(key);
    entry.handle.stop();
  }, 0);
}

const Context = createContext(null);

const noop = () => false;
const noopSubscribe = () => () => {};

/** The status of `config.consent` (a status or `{initial}`) before the recorder exists (SSR, first render). */
function initialStatus(config) {
  const consent = config?.consent;
  return (typeof consent === 'string' ? consent : consent?.initial) ?? 'deferred';
}

/**
 * Provides one recorder to its subtree. `config` is `init()`'s options; a new object with the
 * same options (an inline object literal) keeps the same recorder and its consent state; changed
 * options make a new recorder (which reads the kept consent, see `consent.persist`).
 */
export function SessionReplayProvider({ config, children }) {
  const [handle, setHandle] = useState(null);
  const key = configKey(config);
  const entryRef = useRef(null);
  useEffect(() => {
    // `config` is this render's; `key` says all that matters of it.
    const entry = acquire(key, config ?? {});
    entryRef.current = entry;
    setHandle(entry.handle);
    return () => release(key, entry);
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    // After the acquire above: the recorder calls this render's callbacks.
    if (entryRef.current) entryRef.current.config = config ?? {};
  });
  const initial = initialStatus(config);
  const value = useMemo(() => ({ handle, initial }), [handle, initial]);
  return createElement(Context.Provider, { value }, children);
}

function useCtx(hook) {
  const ctx = useContext(Context);
  if (ctx === null) throw new Error(`rewind: ${hook}() must be used inside <SessionReplayProvider>`);
  return ctx;
}

/** `{status, reason, grant(meta), deny()}`; re-renders when the consent status changes. */
export function useConsent() {
  const { handle, initial } = useCtx('useConsent');
  const subscribe = useMemo(() => (handle ? (cb) => handle.onConsentChange(cb) : noopSubscribe), [handle]);
  const status = useSyncExternalStore(
    subscribe,
    () => (handle ? handle.consentStatus() : initial),
    () => initial,
  );
  return useMemo(
    () => ({
      status,
      // Set before the status turns "failed", so this render reads it.
      reason: status === 'failed' && handle ? handle.consentState().reason : null,
      grant: (meta) => (handle ? handle.optIn(meta) : Promise.resolve(false)),
      deny: () => {
        if (handle) handle.optOut();
      },
    }),
    [status, handle],
  );
}


const nothing = () => Promise.resolve({ sent: 0, failed: 0, kept: 0 });

/**
 * `{sessionId, flush, isRecording, addCustomEvent, identify, tag}` of the provider's recorder.
 * The functions keep their identity for the component's life (safe in effect dependencies) and
 * call the provider's current recorder; before it exists they return `null`/`false`/an empty
 * flush. `isRecording` re-renders when a recorder starts or stops (`onRecordingChange`).
 */
export function useReplay() {
  const { handle } = useCtx('useReplay');
  const ref = useRef(handle);
  ref.current = handle;
  const subscribe = useMemo(() => (handle ? (cb) => handle.onRecordingChange(cb) : noopSubscribe), [handle]);
  const isRecording = useSyncExternalStore(subscribe, () => (handle ? handle.isRecording() : false), () => false);
  const [api] = useState(() => {
    const call = (name, fallback) => (...args) => (ref.current ? ref.current[name](...args) : fallback());
    return {
      sessionId: call('sessionId', () => null),
      flush: call('flush', nothing),
      addCustomEvent: call('addCustomEvent', noop),
      identify: call('identify', noop),
      tag: call('tag', noop),
    };
  });
  return useMemo(() => ({ ...api, isRecording }), [api, isRecording]);
}
