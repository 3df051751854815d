// The only module the screens import to talk to Go. It is made of:
//   api/transport.ts  the two ways in (the window's bound methods, or fetch), errors, the token
//   api/calls.ts      the one table of calls, each with its bound method and its route
//   api/events.ts     what Go pushes: the window's events, the browser's event stream
//   api/<domain>.ts   the calls by name, typed with the types generated from Go (types.gen.ts)

export { ApiError, inWindow, onSignedOut } from './api/transport';
export * from './api/auth';
export * from './api/users';
export * from './api/settings';
export * from './api/boards';
export type { BulkResult, Skipped } from './api/bulk';
export * from './api/images';
export * from './api/workflows';
export * from './api/presets';
export * from './api/queue';
export * from './api/generation';
