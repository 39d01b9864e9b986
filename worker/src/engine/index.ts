// The engine's public surface: validate a flag set when saved, compile it once, evaluate it many times.

export * from './evaluation';
export { validateFlagSet, type FlagSetValidation, type ValidateFlagSetOptions } from './validate';
export { validateTargeting } from './validate-rule';
export { inferFlagType } from './infer-type';
export { validateReleases, percentProblem } from './validate-release';
