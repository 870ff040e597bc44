// Types for rewind-replay's require() entry (js/index.cjs): the same API as the ES module
// (js/index.d.ts), whose recorder this entry never starts (see js/index.cjs).
type Esm = typeof import('./index.js', { with: { 'resolution-mode': 'import' } });

export type {
  ConsentMeta, ConsentOptions, ConsentState, ConsentStatus, InitialConsent, InitInput, InitOptions, RecordedEvent, RewindHandle,
} from './index.js' with { 'resolution-mode': 'import' };

export declare const init: Esm['init'];
export declare const SDK_VERSION: Esm['SDK_VERSION'];
