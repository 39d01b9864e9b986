import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIp } from './ip';
import { checkRegex, MAX_PATTERN_LENGTH } from './safe-regex';
import { toInstant } from './date-time';

const inRange = (ip: string, cidr: string) => cidrContains(parseCidr(cidr)!, parseIp(ip)!);

describe('IP addresses and CIDR ranges', () => {
  it('matches IPv4 addresses against prefixes', () => {
    expect(inRange('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inRange('11.0.0.1', '10.0.0.0/8')).toBe(false);
    expect(inRange('192.168.1.77', '192.168.1.64/26')).toBe(true);
    expect(inRange('192.168.1.128', '192.168.1.64/26')).toBe(false);
    expect(inRange('8.8.8.8', '0.0.0.0/0')).toBe(true);
    expect(inRange('1.2.3.4', '1.2.3.4')).toBe(true);
  });
  it('matches IPv6 addresses, compressed or not', () => {
    expect(inRange('2001:db8::1', '2001:db8::/32')).toBe(true);
    expect(inRange('2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::/32')).toBe(true);
    expect(inRange('2001:db9::1', '2001:db8::/32')).toBe(false);
    expect(inRange('::1', '::1/128')).toBe(true);
    expect(inRange('fe80::1:2', 'fe80::/10')).toBe(true);
  });
  it('matches IPv4-mapped IPv6 addresses against IPv4 ranges', () => {
    expect(inRange('::ffff:10.0.0.1', '10.0.0.0/8')).toBe(true);
  });
  it('does not let an IPv4 range match unrelated IPv6 addresses', () => {
    expect(inRange('::a00:1', '10.0.0.0/8')).toBe(false);
  });
  it.each(['256.0.0.1', '1.2.3', '01.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', '', '1.2.3.4 '])('rejects the address %j', (s) => {
    expect(parseIp(s)).toBeNull();
  });
  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/a'])('rejects the range %j', (s) => {
    expect(parseCidr(s)).toBeNull();
  });
});

describe('checkRegex', () => {
  it.each([
    '^.*@acme\\.com$', '^(www\\.)?example\\.(com|org)$', '^[a-z0-9._%+-]+@[a-z0-9.-]{1,64}\\.[a-z]{2,24}$', '^user-\\d{1,6}$', 'a|b',
    '(?:ab)+c', '(?<n>ab)+c', '\\d{1,128}\\d{1,128}x', 'Mozilla/5\\.0 \\(.*\\) Chrome/\\d+', 'a?'.repeat(14),
  ])('accepts %j', (p) => {
    expect(checkRegex(p)).toBeNull();
  });
  it.each([
    ['(a+)+$', /repeated group/],
    ['(a|a)*', /repeated group/],
    ['(.*a){12}', /repeated group/],
    ['(\\w+\\s?)*$', /repeated group/],
    ['(a)\\1', /backreference/],
    ['(?<n>a)\\k<n>', /backreference/],
    ['(?=a)b', /lookahead/],
    ['(?<!a)b', /lookahead/],
    ['(?i:a)+b', /modifiers|invalid/], // invalid where the engine does not know modifiers
    ['a{1,5000}', /1000/],
    ['.*a.*b.*c', /unbounded/],
    // counted repeats and alternatives multiply like unbounded ones (a 90-character input took 200 ms)
    ['\\d{1,1000}\\d{1,1000}\\d{1,1000}\\d{1,1000}x', /multiply/],
    ['\\d{1,1000}\\d{1,1000}\\d{1,1000}x', /multiply/],
    ['\\d{1,16}\\d{1,16}\\d{1,16}\\d{1,16}x', /multiply/],
    ['\\d*\\d{1,16}\\d{1,16}x', /multiply/],
    ['(a|a)'.repeat(30) + 'x', /multiply/],
    ['a?'.repeat(15) + 'a'.repeat(15), /multiply/],
    ['[0-9]{1,100}[a-z0-9]{1,100}[^x]{1,100}x', /multiply/],
    ['A{1,64}a{1,64}a{1,64}', /multiply/, 'i'],
    ['(', /invalid/],
  ])('rejects %j', (p, why, flags = '') => {
    expect(checkRegex(p, flags)).toMatch(why);
  });
  it('lets a character that no earlier repetition accepts separate repetitions', () => {
    expect(checkRegex('\\d{1,1000}a\\d{1,1000}b\\d{1,1000}')).toBeNull();
    expect(checkRegex('\\d{1,1000}1\\d{1,1000}b\\d{1,1000}')).toMatch(/multiply/);
    expect(checkRegex('[^@]{1,500}@[^@]{1,500}@[^@]{1,500}')).toBeNull();
    expect(checkRegex('.{1,500}@.{1,500}@.{1,500}')).toMatch(/multiply/);
  });
  it('rejects long patterns and unknown flags', () => {
    expect(checkRegex('a'.repeat(MAX_PATTERN_LENGTH + 1))).toMatch(/longer/);
    expect(checkRegex('a', 'g')).toMatch(/flag/);
    expect(checkRegex('a', 'i')).toBeNull();
  });
});

describe('toInstant', () => {
  it('reads RFC 3339 date-times with offsets', () => {
    expect(toInstant('2027-01-01T00:00:00Z')).toBe(Date.UTC(2027, 0, 1));
    expect(toInstant('2027-01-01T02:00:00+02:00')).toBe(Date.UTC(2027, 0, 1));
    expect(toInstant('2027-01-01t00:00:00.5z')).toBe(Date.UTC(2027, 0, 1) + 500);
  });
  it('reads full dates as midnight UTC', () => {
    expect(toInstant('2027-03-04')).toBe(Date.UTC(2027, 2, 4));
  });
  it('reads numbers as unix seconds, like $flagd.timestamp', () => {
    expect(toInstant(1800000000)).toBe(1800000000000);
  });
  it.each(['2027-13-01', '2027-01-01T25:00:00Z', '2027-01-01T00:00:00', 'tomorrow', '1.5.2027', null, true])('rejects %j', (v) => {
    expect(toInstant(v)).toBeNull();
  });
});
