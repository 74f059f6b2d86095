// @medplum/core 5 reads a global WebSocket when it is loaded; the validator never opens one, so a
// stub is enough where the runtime has none.
if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined') {
  (globalThis as { WebSocket?: unknown }).WebSocket = class WebSocketStub {};
}
