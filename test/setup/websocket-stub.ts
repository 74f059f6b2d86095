// @medplum/core 5 reads a global WebSocket when it is loaded; Node 20 has none. The FHIR validator
// (test/helpers/fhir-validator.ts) never opens one: a stub that refuses to connect is enough.
if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined') {
  (globalThis as { WebSocket?: unknown }).WebSocket = class WebSocketStub {
    constructor() {
      throw new Error('WebSocket is not available in tests');
    }
  };
}
