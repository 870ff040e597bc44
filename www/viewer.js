// The viewer as the collector serves it at /viewer.js: the npm package's `rewind-replay/viewer`
// (js/viewer.js, served at /js/viewer.js), so an app can embed it straight from a collector:
//
//   import { mountViewer } from 'https://collector.example/viewer.js';
//
// with https://collector.example/viewer.css beside it.
export * from './js/viewer.js';
