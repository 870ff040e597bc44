// rewind-replay/react — <SessionReplayProvider>, useConsent(), useReplay(). Types: ./react.d.ts.
//
// One recorder per config object: the handle is created lazily in an effect (never during render,
// so SSR renders children and touches no browser global), kept in a module-level registry with a
// reference count, and torn down only after the last provider using it has unmounted and not come
// back within the same task — which is what React StrictMode's mount → unmount → mount does.

import { createContext, createElement, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { init } from './index.js';

/** @type {Map<object, {handle: import('./index.js').RewindHandle, refs: number, teardown: any}>} */
const registry = new Map();

/** Registry key of a provider without `config`. */
const NO_CONFIG = {};

function acquire(config) {
  let entry = registry.get(config);
  if (!entry) {
    entry = { handle: init(config === NO_CONFIG ? {} : config), refs: 0, teardown: null };
    registry.set(config, entry);
  }
  if (entry.teardown !== null) {
    clearTimeout(entry.teardown);
    entry.teardown = null;
  }
  entry.refs++;
  return entry;
}

function release(config, entry) {
  entry.refs--;
  if (entry.refs > 0 || entry.teardown !== null) return;
  entry.teardown = setTimeout(() => {
    entry.teardown = null;
    if (entry.refs > 0) return;
    if (registry.get(config) === entry) registry.delete(config);
    entry.handle.stop();
  }, 0);
}

const Context = createContext(null);

const noop = () => false;
const noopSubscribe = () => () => {};

/**
 * Provides one recorder to its subtree. `config` is `init()`'s options; pass a stable object (a
 * module constant or `useMemo`): a new object means a new recorder.
 */
export function SessionReplayProvider({ config, children }) {
  const [handle, setHandle] = useState(null);
  useEffect(() => {
    const key = config ?? NO_CONFIG;
    const entry = acquire(key);
    setHandle(entry.handle);
    return () => release(key, entry);
  }, [config]);
  const value = useMemo(() => ({ handle, initial: config?.consent ?? 'deferred' }), [handle, config]);
  return createElement(Context.Provider, { value }, children);
}

function useCtx(hook) {
  const ctx = useContext(Context);
  if (ctx === null) throw new Error(`rewind: ${hook}() must be used inside <SessionReplayProvider>`);
  return ctx;
}

/** `{status, grant(meta), deny()}`; re-renders when the consent status changes. */
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
      grant: (meta) => (handle ? handle.optIn(meta) : Promise.resolve(false)),
      deny: () => {
        if (handle) handle.optOut();
      },
    }),
    [status, handle],
  );
}

/** `{addCustomEvent, identify, tag}` of the provider's recorder (no-ops returning `false` before it exists). */
export function useReplay() {
  const { handle } = useCtx('useReplay');
  return useMemo(
    () =>
      handle
        ? {
            addCustomEvent: (name, payload) => handle.addCustomEvent(name, payload),
            identify: (userId, traits) => handle.identify(userId, traits),
            tag: (key, value) => handle.tag(key, value),
          }
        : { addCustomEvent: noop, identify: noop, tag: noop },
    [handle],
  );
}
