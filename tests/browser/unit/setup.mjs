// Node 18 has WebCrypto only as require('node:crypto').webcrypto; node 19+
// and browsers have globalThis.crypto. The UI modules use the global.
import { webcrypto } from 'node:crypto';

if (!globalThis.crypto || !globalThis.crypto.subtle) {
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });
}
