export const SPEC: string;
export const OUT: string;
export function generate(specText: string): Promise<string>;
