export function embedShaders(): number;
