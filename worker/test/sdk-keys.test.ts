// SDK key parsing (per request on the evaluation hot path, without a regular expression) against the
// key format's definition as a regular expression.
import { describe, expect, it } from 'vitest';
import { formatSdkKey, parseSdkKey } from '../src/store/sdk-keys';

const definition = /^crt_([sc])_([a-z0-9]{16})_([a-z0-9]{16})_([a-z0-9]{32})$/;
const byDefinition = (key: string) => {
  const m = definition.exec(key);
  return m ? { kind: m[1] === 's' ? 'server' : 'client', environmentId: m[2], keyId: m[3] } : null;
};

describe('parseSdkKey', () => {
  const good = formatSdkKey('server', 'abcdefghij012345', '0123456789klmnop', 'q'.repeat(16) + '0123456789abcdef');
  it('reads the kind, environment and key id of a well-formed key', () => {
    expect(parseSdkKey(good)).toEqual({ kind: 'server', environmentId: 'abcdefghij012345', keyId: '0123456789klmnop' });
    expect(parseSdkKey(good.replace('crt_s_', 'crt_c_'))?.kind).toBe('client');
  });

  it('agrees with the format definition on every single-character change and on odd lengths', () => {
    const alphabet = ['a', 'z', '0', '9', '_', 'A', 'Z', '-', ' ', '.', 'é', '\u0000', 's', 'c'];
    const variants = [good.slice(1), good + 'a', '', 'crt_', good.slice(0, -1), good.toUpperCase()];
    for (let i = 0; i < good.length; i++) for (const ch of alphabet) variants.push(good.slice(0, i) + ch + good.slice(i + 1));
    for (const v of variants) expect(parseSdkKey(v), JSON.stringify(v)).toEqual(byDefinition(v));
  });
});
