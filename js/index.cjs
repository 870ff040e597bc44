// rewind-replay for `require()`: CommonJS test runners (Jest) and Node. The recorder records
// only in a browser page, which loads the ES module (js/index.js, the `import` entry); here
// `init()` returns a handle that records nothing and says so once with `console.warn`, so code
// that imports the SDK runs under a test runner without a mock. Every method answers as a
// recorder that never got consent would: `optIn()` resolves `false`, `consentStatus()` is
// `"denied"`, `stats()`/`deliveryStats()` are `null`, `flush()`/`stop()` deliver nothing.
'use strict';

const SDK_VERSION = '0.1.0';
const WARNING = 'rewind: the session recorder records only in a browser; this require() build is a no-op (a test runner or Node). See "Test runners" in the package README.';

let warned = false;

function init() {
  if (!warned) {
    warned = true;
    console.warn(WARNING);
  }
  const nothing = { sent: 0, failed: 0, kept: 0 };
  const sessionId = '00000000-0000-4000-8000-000000000000';
  return {
    optIn: () => Promise.resolve(false),
    optOut() {},
    setConsent: () => Promise.resolve(false),
    consentStatus: () => 'denied',
    consentState: () => ({ status: 'denied', recording: false, reason: null, source: null, version: null, time: null }),
    isRecording: () => false,
    onConsentChange: () => () => {},
    onRecordingChange: () => () => {},
    addCustomEvent: () => false,
    identify: () => false,
    tag: () => false,
    takeFullSnapshot: () => false,
    capture: () => false,
    flush: () => Promise.resolve({ ...nothing }),
    stop: () => Promise.resolve({ ...nothing }),
    sessionId: () => sessionId,
    deliveryStats: () => null,
    stats: () => null,
  };
}

module.exports = { init, SDK_VERSION };
