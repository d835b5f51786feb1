// Display formatting shared by the views. Pure: no DOM.

const num = (v) => (v === undefined || v === null || v === '' ? 0 : Number(v));

// "2025-01-31 14:05:09" in local time from Unix microseconds (int64 JSON
// string or number); '' for 0.
export function formatMicros(micros) {
  const us = num(micros);
  if (!us) return '';
  const d = new Date(us / 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

// Masks an identity number or credit code for display: first 4 and last 4
// characters kept ("1101**********123X"), as the catalog's KEEP_ENDS rule.
// Values already masked or too short to mask are returned as they are.
export function maskSubject(subject) {
  const s = String(subject || '');
  if (s.length < 10 || s.includes('*')) return s;
  return s.slice(0, 4) + '*'.repeat(s.length - 8) + s.slice(-4);
}

// Checks the shape of an 18-character resident identity number or unified
// social credit code before it is sent (the server validates it fully).
// Returns '' when plausible, else an i18n-free English reason.
export function subjectShapeError(subject) {
  const s = String(subject || '').trim();
  if (s.length === 0) return 'empty';
  if (s.length !== 18) return `has ${s.length} characters, want 18`;
  if (/^[0-9]{17}[0-9Xx]$/.test(s)) return '';
  if (/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(s)) return '';
  return 'contains characters an identity number or credit code cannot have';
}

// First `n` hex characters of base64 bytes (hashes in tables).
export function shortHash(b64, n = 12) {
  try {
    const bin = atob(String(b64 || ''));
    let hex = '';
    for (let i = 0; i < bin.length && hex.length < n; i++) {
      hex += bin.charCodeAt(i).toString(16).padStart(2, '0');
    }
    return hex.slice(0, n);
  } catch (e) {
    return '';
  }
}

// Converts a <input type="datetime-local"> value ("2025-01-31T14:05") to
// RFC 3339 UTC ("2025-01-31T06:05:00.000Z"); '' when empty or invalid.
export function localInputToRfc3339(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}
