// rewind-replay — how the recorder wraps page methods and property setters, imported by the
// recorder's wasm glue (`src/record/observers.rs`, `raw_module = "../js/hooks.js"`) and by
// ./sheets.js, not by apps. Browser glue kept in JS: the wasm holds only the hook it passes and
// the undo it gets back (BENCHMARKS.md, "Recorder size now").
//
// Both put a `Proxy` of the page's function in its place (no `eval`/`new Function`: CSP-safe),
// whose `apply` runs the original with the page's `this` and arguments and calls
// `hook(this, args)`. Each returns the undo, or `undefined` when there is nothing to wrap. The
// undo turns the hook off and puts the original back, unless page code wrapped ours since: then
// ours stays in place, inert, rather than break theirs.

/**
 * Wraps the function `object[key]`; `hook(this, args)` runs before the original, or after it
 * (once it returned) with `after`.
 */
export function wrapMethod(object, key, after, hook) {
  const original = object?.[key];
  if (typeof original !== 'function') return undefined;
  let on = true;
  const proxy = new Proxy(original, {
    apply(target, self, args) {
      if (on && !after) hook(self, args);
      const result = Reflect.apply(target, self, args);
      if (on && after) hook(self, args);
      return result;
    },
  });
  object[key] = proxy;
  return () => {
    on = false;
    if (object[key] === proxy) object[key] = original;
  };
}

/**
 * Hooks the setter of the accessor `proto[key]` (its own, configurable): after each set that
 * did not throw, `hook(this, args)`.
 */
export function wrapSetter(proto, key, hook) {
  const descriptor = proto && Object.getOwnPropertyDescriptor(proto, key);
  if (!descriptor?.set || !descriptor.configurable) return undefined;
  let on = true;
  const set = new Proxy(descriptor.set, {
    apply(target, self, args) {
      const result = Reflect.apply(target, self, args);
      if (on) hook(self, args);
      return result;
    },
  });
  Object.defineProperty(proto, key, { ...descriptor, set });
  return () => {
    on = false;
    if (Object.getOwnPropertyDescriptor(proto, key)?.set === set) Object.defineProperty(proto, key, descriptor);
  };
}
