// The admin API's types as the CLI uses them, all derived from api/schema.ts (generated from the worker's OpenAPI
// document by scripts/api-schema.mjs): routes, their path and query parameters, bodies and answers.
import type { components, paths } from '../../api/schema';

export type Schemas = components['schemas'];
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The routes that answer `method`. */
export type RouteOf<M extends Method> = { [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never }[keyof paths];
export type Operation<M extends Method, P extends RouteOf<M>> = paths[P][M];

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : undefined;
/** What a route answers when it succeeds: its 200 or 201 JSON, or nothing (204). */
export type Answer<O> = O extends { responses: infer R } ? (200 extends keyof R ? JsonOf<R[200]> : 201 extends keyof R ? JsonOf<R[201]> : undefined) : never;
export type BodyOf<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
export type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? ([Q] extends [never | undefined] ? never : NonNullable<Q>) : never;
type PathOf<O> = O extends { parameters: { path: infer P } } ? P : Record<string, never>;
/** Path parameters, but `project`: the connection's project fills it in unless given. */
export type PathParams<O> = Omit<PathOf<O>, 'project'> & { project?: string };

export type Flag = Schemas['Flag'];
export type FlagEnvironment = Schemas['FlagEnvironment'];
export type Environment = Schemas['Environment'];
export type Project = Schemas['Project'];
export type Release = Schemas['Release'];
export type ReleaseInput = Schemas['ReleaseInput'];
export type ImportResponse = Schemas['ImportReport'];
export type ImportReport = ImportResponse['report'];
export type Deployment = Schemas['Deployment'];
export type Propagation = Schemas['Propagation'];
export type SdkKey = Schemas['SdkKey'];
export type ExplainedEvaluation = Schemas['ExplainedEvaluation'];

/** `"true"` for a set boolean option, nothing otherwise: the API's query flags are strings. */
export const queryFlag = (on: boolean | undefined): 'true' | undefined => (on ? 'true' : undefined);
