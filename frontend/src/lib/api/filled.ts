/**
 * T with its fields K present and never null. Go sends a nil list as null
 * (types.gen.ts says where it can); the domain modules hand on [] instead,
 * and this is the type of what they hand on.
 */
export type Filled<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
