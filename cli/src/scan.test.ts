// Flag keys found in code: OpenFeature's call shapes in each language, a team's own pattern, known literals.
import { describe, expect, it } from 'vitest';
import { callShapes } from './refs';
import { OPENFEATURE_CALLS, referencesIn, userPattern } from './scan';

const find = (text: string, keys: string[] = [], patterns: string[] = []) =>
  referencesIn(text, { keys: new Set(keys), calls: callShapes(patterns) }, 'f').map((r) => `${r.line}:${r.key}:${r.how}`);

describe('OpenFeature call shapes', () => {
  it.each([
    ['JS/TS', `await client.getBooleanValue('new-checkout', false)`, 'new-checkout'],
    ['JS/TS details, double quotes', `client.getStringDetails("banner", "x")`, 'banner'],
    ['JS/TS number, backquotes', `c.getNumberValue(\`limit\`, 1)`, 'limit'],
    ['TS generic', `client.getObjectValue<Config>('config-v2', {})`, 'config-v2'],
    ['Java', `boolean b = client.getBooleanValue("java-beta", false);`, 'java-beta'],
    ['Java integer and double', `client.getIntegerValue("max-items", 3); client.getDoubleDetails("ratio", 0.5);`, 'max-items'],
    ['C#', `await client.GetBooleanValueAsync("cs-flag", false);`, 'cs-flag'],
    ['Python', `client.get_boolean_value("py-flag", False)`, 'py-flag'],
    ['Python keyword', `client.get_string_details(flag_key='py-banner', default_value='')`, 'py-banner'],
    ['Go', `client.BooleanValue(context.Background(), "go-search", false, evalCtx)`, 'go-search'],
    ['Go details', `client.IntValueDetails(ctx, "go-limit", 10, evalCtx)`, 'go-limit'],
    ['React', `const on = useBooleanFlagValue('react-flag', false)`, 'react-flag'],
    ['React useFlag', `const { value } = useFlag('theme', 'light')`, 'theme'],
    ['React suspense', `useSuspenseFlag('slow-flag', false)`, 'slow-flag'],
    ['Vue', `const enabled = useStringFlagDetails("vue-flag", "x")`, 'vue-flag'],
    ['Angular', `<div *booleanFeatureFlag="'ng-banner'; default: false">`, 'ng-banner'],
  ])('%s', (_name, text, key) => expect(find(text)[0]).toBe(`1:${key}:openfeature`));

  it('finds a call spread over lines at the line of its key', () => {
    expect(find("const d = client.getStringDetails(\n  'promo-banner',\n  'none',\n);")).toEqual(['2:promo-banner:openfeature']);
  });

  it('ignores look-alikes: other functions, keys built at run time, keys that break the key rule', () => {
    expect(find(`getBoolean('x'); client.getBooleanValue(key, false); client.getBooleanValue('has space', false); foo.get('plain')`)).toEqual([]);
  });

  it('every shape is global (all matches of a file, not the first)', () => {
    for (const re of OPENFEATURE_CALLS) expect(re.flags).toContain('g');
  });
});

describe('known keys and patterns', () => {
  it('counts a literal equal to a known key anywhere, and a call to a known key once, as a call', () => {
    expect(find(`const k = 'new-checkout'; client.getBooleanValue('new-checkout', false)`, ['new-checkout'])).toEqual(['1:new-checkout:openfeature']);
    expect(find(`flags['theme']`, ['theme'])).toEqual(['1:theme:literal']);
  });

  it("finds a team's wrapper with --pattern, by the group `key` or the first group", () => {
    expect(find(`if (isOn('team-flag')) x();`, [], [`isOn\\(['"](?<key>[^'"]+)`])).toEqual(['1:team-flag:pattern']);
    expect(find(`feature("other-flag")`, [], [`feature\\("([^"]+)"`])).toEqual(['1:other-flag:pattern']);
  });

  it('refuses a pattern without a group to hold the key', () => {
    expect(() => userPattern('isOn\\(')).toThrow('no capturing group');
    expect(() => callShapes(['(unclosed'])).toThrow('not a usable regular expression');
  });
});
