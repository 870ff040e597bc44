// An app's unit test under Jest (CommonJS, jsdom) that requires rewind-replay without mocking
// it: the require() entry is a recorder that records nothing and warns once.
const { init, SDK_VERSION } = require('rewind-replay');

test('the recorder is a documented no-op under Jest: one warning, no error', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  const error = jest.spyOn(console, 'error');
  const onError = jest.fn();
  const replay = init({ onEvents: () => {}, onError });
  expect(await replay.optIn()).toBe(false);
  expect(await init({ onEvents: () => {} }).optIn()).toBe(false);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0][0])).toMatch(/no-op/);
  expect(onError).not.toHaveBeenCalled();
  expect(error).not.toHaveBeenCalled();
  expect(replay.isRecording()).toBe(false);
  expect(replay.consentStatus()).toBe('denied');
  expect(await replay.flush()).toEqual({ sent: 0, failed: 0, kept: 0 });
  expect(SDK_VERSION).toMatch(/^\d+\.\d+\.\d+/);
});
